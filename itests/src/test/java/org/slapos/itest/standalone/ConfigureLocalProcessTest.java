package org.slapos.itest.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.SlaposTestSupport;

/**
 * {@code slapos configure local} as an operator runs it, then the ordinary commands on what it
 * wrote: {@code proxy start} on {@code slapos-proxy.cfg}, and {@code supply}, {@code service list},
 * {@code proxy show} with no {@code --cfg}, through the {@code ~/.slapos/slapos-client.cfg} link it
 * made. (Format and the node's loops on that configuration run in {@code StandaloneCycleIT} and
 * {@code DemoCommandProcessTest}; here, as root, format would change the host's users and network.)
 */
class ConfigureLocalProcessTest {
  private static final Pattern DATABASE = Pattern.compile("(?m)^database_uri\\s*=\\s*(\\S+)\\s*$");

  @TempDir
  Path work;

  private record Run(int exitCode, String output) {
  }

  private Run slapos(Path home, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath().toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile(work, "run", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().remove("SLAPOS_CLIENT_CONFIGURATION");
    builder.environment().remove("SLAPOS_CONFIGURATION");
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("slapos " + String.join(" ", args) + " did not end");
    }
    return new Run(process.exitValue(), Files.readString(output));
  }

  @Test
  void configureLocalWritesANodeThatTheOrdinaryCommandsUse() throws Exception {
    Path home = Files.createDirectories(work.resolve("home"));
    int port = SlaposTestSupport.freePort();
    Path etc = work.resolve("etc/opt/slapos");
    String[] configure = {"configure", "local", "--slapos-configuration-directory", etc.toString(),
        "--slapos-instance-root", work.resolve("srv/slapgrid").toString(), "--slapos-software-root",
        work.resolve("opt/slapgrid").toString(), "--slapos-buildout-directory", work.resolve("opt/slapos").toString(),
        "--daemon-listen-port", Integer.toString(port), "--partition-number", "3"};
    Run configured = slapos(home, configure);
    assertEquals(0, configured.exitCode(), configured.output());
    assertTrue(configured.output().contains("slapos standalone start --cfg " + etc.resolve("slapos.cfg")),
        configured.output());
    assertTrue(Files.isSymbolicLink(home.resolve(".slapos/slapos-client.cfg")));
    assertEquals(etc.resolve("slapos.cfg"), Files.readSymbolicLink(home.resolve(".slapos/slapos-client.cfg")));

    Run again = slapos(home, configure);
    assertEquals(1, again.exitCode(), again.output());
    assertTrue(again.output().contains("already exists"), again.output());

    Path proxyCfg = etc.resolve("slapos-proxy.cfg");
    Matcher database = DATABASE.matcher(Files.readString(proxyCfg));
    assertTrue(database.find(), Files.readString(proxyCfg));
    try (ProxyProcess proxy = ProxyProcess.start(work, proxyCfg, Path.of(database.group(1)),
        "http://127.0.0.1:" + port + "/")) {
      String release = work.resolve("sr/software.cfg").toString();
      Run supply = slapos(home, "supply", release, "local_computer");
      assertEquals(0, supply.exitCode(), supply.output());
      Run list = slapos(home, "service", "list");
      assertEquals(0, list.exitCode(), list.output());
      Run show = slapos(home, "proxy", "show", "--cfg", proxyCfg.toString(), "--software");
      assertEquals(0, show.exitCode(), show.output());
      assertTrue(show.output().contains(release), show.output());
      assertTrue(show.output().contains("local_computer"), show.output());
    }
  }
}
