package org.slapos.client.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slapos.command.api.SlaposCommand;
import org.slapos.slap.client.internal.HttpSlapConnector;

/**
 * A scripted master, a {@code slapos-client.cfg} pointing at it (named by
 * {@code SLAPOS_CLIENT_CONFIGURATION}), the real HTTP SLAP library and a log capture.
 */
final class ClientFixture implements AutoCloseable {
  final ScriptedMaster master;
  final Path home;
  final Path configuration;
  final ClientSessionFactory sessions = new ClientSessionFactory(new HttpSlapConnector());
  final LogCapture log = new LogCapture();
  TestContext context;

  ClientFixture(Path home) throws IOException {
    this.home = home;
    this.master = new ScriptedMaster();
    this.configuration = home.resolve("slapos-client.cfg");
    Files.writeString(configuration, "[slapos]\nmaster_url = " + master.url() + "\nmaster_rest_url = "
        + master.hateoasUrl() + "\n");
  }

  /** Runs a command in a fresh context; its output stays in {@link #context}. */
  int run(SlaposCommand command, String... args) throws Exception {
    context = new TestContext(home, home).env("SLAPOS_CLIENT_CONFIGURATION", configuration.toString());
    return command.run(context, List.of(args));
  }

  @Override
  public void close() {
    log.close();
    master.close();
  }
}
