package org.slapos.shell.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.Hashtable;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The remote shell as a component: starts the SSH server from configuration {@value SshShellConfig#PID}
 * on the Gogo command processor, then publishes where it listens as a marker service (object
 * class {@code java.lang.Object}, properties {@value #HOST_PROPERTY} and {@value #PORT_PROPERTY}),
 * which tests and the daemon look up. A configuration change restarts it (no modified method);
 * deactivation stops the server and closes every session.
 */
@Component(configurationPid = SshShellConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true, service = {})
@Designate(ocd = SshShellConfig.class)
public class SshShellComponent {
  /** Marker service property: the port the server is bound to (the real one when 0 was configured). */
  public static final String PORT_PROPERTY = "slapos.shell.ssh.port";
  /** Marker service property: the address the server is bound to. */
  public static final String HOST_PROPERTY = "slapos.shell.ssh.host";

  private final SshShellServer server;
  private final ServiceRegistration<?> marker;

  @Activate
  public SshShellComponent(BundleContext context, SshShellConfig config, @Reference(name = "processor") CommandProcessor processor)
      throws IOException, GeneralSecurityException {
    server = new SshShellServer(SshShellSettings.of(config), processor);
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    InetSocketAddress address = server.address();
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put(PORT_PROPERTY, address.getPort());
    properties.put(HOST_PROPERTY, address.getAddress().getHostAddress());
    marker = context.registerService(Object.class.getName(), new Object(), properties);
  }

  @Deactivate
  void deactivate() {
    marker.unregister();
    server.close();
  }
}
