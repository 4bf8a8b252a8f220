package org.slapos.itest.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.SlaposTestSupport.SERVICE_TIMEOUT_MILLIS;
import static org.slapos.itest.support.SlaposTestSupport.awaitService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.slapos.itest.support.SlaposTestSupport;

/**
 * The remote shell in a running node runtime: configured through Config Admin on an ephemeral
 * loopback port, it runs {@code slapos:help} and Gogo's {@code lb} for an authorized key, and
 * refuses an unknown key and a password. A configuration change moves it to another port.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SshShellIT {
  private static final String PID = "org.slapos.shell.ssh";
  private static final String PORT_PROPERTY = "slapos.shell.ssh.port";
  private static final String MARKER_FILTER = "(" + PORT_PROPERTY + "=*)";

  @Inject
  private BundleContext context;

  private Path directory;
  private KeyPair operatorKey;

  @Configuration
  public Option[] config() {
    // The daemon runtime, as shipped: it holds the shell bundle, MINA SSHD and Config Admin.
    return SlaposTestSupport.runtime("daemon");
  }


  @Before
  public void setUp() throws Exception {
    directory = Files.createTempDirectory("ssh-shell-it");
    operatorKey = RemoteShellClient.newKey();
    Files.writeString(directory.resolve("authorized_keys"), RemoteShellClient.authorizedKeyLine(operatorKey) + "\n");
  }

  @After
  public void tearDown() throws Exception {
    ConfigurationAdmin admin = awaitService(context, ConfigurationAdmin.class, null, SERVICE_TIMEOUT_MILLIS);
    admin.getConfiguration(PID, "?").delete();
    awaitNoMarker();
    try (Stream<Path> tree = Files.walk(directory)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Configures the shell on an ephemeral loopback port and returns the port it bound. */
  private int configure(Object port) throws Exception {
    ConfigurationAdmin admin = awaitService(context, ConfigurationAdmin.class, null, SERVICE_TIMEOUT_MILLIS);
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put("host", "127.0.0.1");
    properties.put("port", port);
    properties.put("authorized.keys", directory.resolve("authorized_keys").toString());
    properties.put("host.key", directory.resolve("ssh/host_key").toString());
    admin.getConfiguration(PID, "?").update(properties);
    return boundPort(-1);
  }

  /** The port of the marker service, waiting (bounded) for one other than {@code previous}. */
  private int boundPort(int previous) throws Exception {
    String filter = "(&(objectClass=java.lang.Object)" + MARKER_FILTER + "(!(" + PORT_PROPERTY + "=" + previous + ")))";
    ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null);
    tracker.open();
    try {
      if (tracker.waitForService(SERVICE_TIMEOUT_MILLIS) == null) {
        throw new AssertionError("no remote shell listening (" + filter + ") within " + SERVICE_TIMEOUT_MILLIS + " ms");
      }
      return (Integer) tracker.getServiceReference().getProperty(PORT_PROPERTY);
    } finally {
      tracker.close();
    }
  }

  /** Waits (bounded) until no marker service is left: the server of the deleted configuration has stopped. */
  private void awaitNoMarker() throws Exception {
    CountDownLatch gone = new CountDownLatch(1);
    ServiceListener listener = event -> {
      if (event.getType() == ServiceEvent.UNREGISTERING) {
        gone.countDown();
      }
    };
    context.addServiceListener(listener, MARKER_FILTER);
    try {
      if (context.getServiceReferences((String) null, MARKER_FILTER) != null) {
        assertTrue("the remote shell stopped", gone.await(SERVICE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
      }
    } finally {
      context.removeServiceListener(listener);
    }
  }

  @Test
  public void anAuthorizedKeyRunsSlaposHelpAndListsBundles() throws Exception {
    int port = configure(0);
    try (RemoteShellClient client = new RemoteShellClient()) {
      RemoteShellClient.Outcome help = client.exec(port, operatorKey, "slapos:help");
      assertEquals(help.err(), 0, help.status());
      assertTrue(help.out(), help.out().contains("node format"));

      RemoteShellClient.Outcome bundles = client.exec(port, operatorKey, "lb");
      assertEquals(bundles.err(), 0, bundles.status());
      assertTrue(bundles.out(), bundles.out().contains("Active"));
      RemoteShellClient.Outcome symbolicNames = client.exec(port, operatorKey, "lb -s");
      assertTrue(symbolicNames.out(), symbolicNames.out().lines()
          .anyMatch(line -> line.contains("Active") && line.contains("org.slapos.shell.ssh")));

      RemoteShellClient.Outcome unknown = client.exec(port, operatorKey, "slapos:no-such-command");
      assertNotEquals(0, unknown.status());
      assertTrue(unknown.err(), unknown.err().contains("no-such-command"));
    }
  }

  @Test
  public void anUnknownKeyAndAPasswordAreRefused() throws Exception {
    int port = configure(0);
    try (RemoteShellClient client = new RemoteShellClient()) {
      assertTrue(client.logsIn(port, operatorKey));
      assertFalse(client.logsIn(port, RemoteShellClient.newKey()));
      assertFalse(client.logsInWithPassword(port, "operator"));
    }
  }

  @Test
  public void aConfigurationChangeRestartsTheServer() throws Exception {
    int first = configure(0);
    int second = SlaposTestSupport.freePort();
    try (RemoteShellClient client = new RemoteShellClient()) {
      assertEquals(0, client.exec(first, operatorKey, "lb").status());
      ConfigurationAdmin admin = awaitService(context, ConfigurationAdmin.class, null, SERVICE_TIMEOUT_MILLIS);
      org.osgi.service.cm.Configuration configuration = admin.getConfiguration(PID, "?");
      Dictionary<String, Object> properties = configuration.getProperties();
      properties.put("port", second);
      configuration.update(properties);
      assertEquals(second, boundPort(first));
      assertEquals(0, client.exec(second, operatorKey, "lb").status());
      try {
        client.exec(first, operatorKey, "lb");
        throw new AssertionError("the old port " + first + " still answers");
      } catch (IOException expected) {
        // nothing listens there any more
      }
    }
  }
}
