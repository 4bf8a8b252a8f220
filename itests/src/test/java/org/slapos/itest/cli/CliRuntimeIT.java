package org.slapos.itest.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.SlaposTestSupport.awaitService;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.slapos.command.api.SlaposCommand;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;

/**
 * The command-line runtime as bin/slapos starts it: every bundle resolves and starts, the SLAP
 * client and the commands are registered, the client bundle survives stop/update/start, and Gogo
 * runs the same commands against a SLAP master on loopback.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CliRuntimeIT {
  private static final Set<String> CLIENT_COMMANDS = Set.of("request", "supply", "remove", "service info",
      "service list", "computer list", "computer info", "console", "help", "complete");

  @Inject
  private BundleContext context;

  private HttpServer master;
  private final List<String> received = new CopyOnWriteArrayList<>();

  @Configuration
  public Option[] config() {
    return SlaposTestSupport.runtime("cli");
  }

  @Before
  public void startMaster() throws Exception {
    master = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    master.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getPath();
      received.add(exchange.getRequestMethod() + " " + path + " "
          + URLDecoder.decode(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8));
      byte[] answer;
      int status = 200;
      if (path.endsWith("/supplySupply")) {
        answer = "Supplied 'http://sr/software.cfg' to be available".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 404;
        answer = "<p>Not Found</p>".getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    master.start();
  }

  @After
  public void stopMaster() {
    master.stop(0);
  }

  private String masterUrl() {
    return "http://127.0.0.1:" + master.getAddress().getPort() + "/";
  }

  @Test
  public void everyBundleIsActive() {
    List<String> notActive = new ArrayList<>();
    for (Bundle bundle : context.getBundles()) {
      boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
      if (!fragment && bundle.getState() != Bundle.ACTIVE) {
        notActive.add(bundle.getSymbolicName() + " state " + bundle.getState());
      }
    }
    assertTrue("Bundles not active: " + notActive, notActive.isEmpty());
  }

  @Test
  public void clientCommandsAreRegistered() throws Exception {
    awaitService(context, SlaposCommand.class, "(" + SlaposCommand.NAME + "=request)", 10_000);
    Collection<ServiceReference<SlaposCommand>> references = context.getServiceReferences(SlaposCommand.class, null);
    Set<String> names = new TreeSet<>();
    references.forEach(r -> names.add((String) r.getProperty(SlaposCommand.NAME)));
    assertTrue("registered: " + names, names.containsAll(CLIENT_COMMANDS));
  }

  @Test
  public void clientBundleCanBeStoppedUpdatedAndStartedAgain() throws Exception {
    SlapConnector before = awaitService(context, SlapConnector.class, null, 10_000);
    assertNotNull(before);
    Bundle client = bundle("org.slapos.slap.client");
    client.stop();
    assertEquals(0, context.getServiceReferences(SlapConnector.class, null).size());
    client.update();
    client.start();
    SlapConnector after = awaitService(context, SlapConnector.class, null, 10_000);
    Slap slap = after.initializeConnection(masterUrl());
    String answer = slap.registerSupply().supply("http://sr/software.cfg", "COMP-1", "available");
    assertEquals("Supplied 'http://sr/software.cfg' to be available", answer);
    assertTrue(received.toString(), received.stream().anyMatch(line -> line.startsWith("POST /supplySupply ")
        && line.contains("url=http://sr/software.cfg") && line.contains("computer_id=COMP-1")
        && line.contains("state=available")));
  }

  @Test
  public void gogoRunsTheSameCommands() throws Exception {
    awaitService(context, SlaposCommand.class, "(" + SlaposCommand.NAME + "=supply)", 10_000);
    awaitService(context, org.apache.felix.service.command.Function.class, "(osgi.command.function=supply)", 10_000);
    Path cfg = Files.createTempFile("slapos-client", ".cfg");
    Files.writeString(cfg, "[slapos]\nmaster_url = " + masterUrl() + "\n");
    CommandProcessor processor = awaitService(context, CommandProcessor.class, null, 10_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(InputStream.nullInputStream(), print, print)) {
      session.execute("slapos:supply --cfg " + cfg + " http://sr/software.cfg COMP-9");
      session.execute("slapos:help");
    } finally {
      Files.deleteIfExists(cfg);
    }
    String output = out.toString(StandardCharsets.UTF_8);
    assertTrue(output, output.contains("client commands:"));
    assertTrue(received.toString(), received.stream().anyMatch(line -> line.startsWith("POST /supplySupply ")
        && line.contains("computer_id=COMP-9")));
  }

  @Test
  public void consoleRunsAScriptWithTheSlapConnectionAtHand() throws Exception {
    awaitService(context, SlaposCommand.class, "(" + SlaposCommand.NAME + "=console)", 10_000);
    Path cfg = Files.createTempFile("slapos-client", ".cfg");
    Path script = Files.createTempFile("console", ".gosh");
    Files.writeString(cfg, "[slapos]\nmaster_url = " + masterUrl() + "\n");
    // Gogo script: the supply function and a method call on the $slap object.
    Files.writeString(script, "supply http://sr/console.cfg COMP-CONSOLE\n"
        + "($slap registerSupply) supply http://sr/console2.cfg COMP-CONSOLE destroyed\n");
    CommandProcessor processor = awaitService(context, CommandProcessor.class, null, 10_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(InputStream.nullInputStream(), print, print)) {
      session.execute("slapos:console --cfg " + cfg + " " + script);
    } finally {
      Files.deleteIfExists(cfg);
      Files.deleteIfExists(script);
    }
    assertTrue(received.toString(), received.stream().anyMatch(line -> line.startsWith("POST /supplySupply ")
        && line.contains("url=http://sr/console.cfg") && line.contains("state=available")));
    assertTrue(received.toString(), received.stream().anyMatch(line -> line.startsWith("POST /supplySupply ")
        && line.contains("url=http://sr/console2.cfg") && line.contains("state=destroyed")));
  }

  private Bundle bundle(String symbolicName) {
    for (Bundle bundle : context.getBundles()) {
      if (symbolicName.equals(bundle.getSymbolicName())) {
        return bundle;
      }
    }
    throw new AssertionError("No bundle " + symbolicName);
  }
}
