package org.slapos.supervisor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.WatchdogSettings;

/** The event-listener protocol on pipes, and the bang rules on timestamp files. */
class WatchdogTest {
  private final List<String> bangs = new CopyOnWriteArrayList<>();
  private final Watchdog watchdog = new Watchdog((settings, partition, message) -> bangs.add(partition + "|" + message));

  /** supervisord's side of the protocol: the events it sends and what it reads back. */
  private static final class Supervisord implements AutoCloseable {
    final PipedOutputStream events = new PipedOutputStream();
    final PipedInputStream answers = new PipedInputStream(64 * 1024);
    final PipedInputStream listenerIn;
    final PipedOutputStream listenerOut;

    Supervisord() throws IOException {
      listenerIn = new PipedInputStream(events, 64 * 1024);
      listenerOut = new PipedOutputStream(answers);
    }

    String read(int length) throws IOException {
      return new String(answers.readNBytes(length), StandardCharsets.US_ASCII);
    }

    void send(String eventName, String payload) throws IOException {
      byte[] body = payload.getBytes(StandardCharsets.UTF_8);
      events.write(("ver:3.0 server:supervisor serial:21 pool:watchdog poolserial:10 eventname:" + eventName
          + " len:" + body.length + "\n").getBytes(StandardCharsets.UTF_8));
      events.write(body);
      events.flush();
    }

    @Override
    public void close() throws IOException {
      events.close();
    }
  }

  private static String exited(String process, String group) {
    return "processname:" + process + " groupname:" + group + " from_state:RUNNING expected:0 pid:2766";
  }

  @Test
  void protocolRunsUntilTheStreamEndsAndOnlyWatchedCrashesBang(@TempDir Path root) throws Exception {
    WatchdogSettings settings = new WatchdogSettings("http://127.0.0.1:1/", "COMP-1", null, root);
    Files.createDirectories(root.resolve("slappart0"));
    try (Supervisord supervisord = new Supervisord()) {
      CompletableFuture<Void> listening = CompletableFuture.runAsync(() -> {
        try {
          watchdog.listen(settings, supervisord.listenerIn, supervisord.listenerOut);
        } catch (SupervisorException e) {
          throw new IllegalStateException(e);
        }
      });
      assertEquals("READY\n", supervisord.read(6));
      supervisord.send("PROCESS_STATE_EXITED", exited("web", "slappart0"));
      assertEquals("RESULT 2\nOK", supervisord.read(11));
      assertEquals("READY\n", supervisord.read(6));
      supervisord.send("PROCESS_STATE_STOPPED", exited("x-on-watch", "slappart0"));
      assertEquals("RESULT 2\nOKREADY\n", supervisord.read(17));
      assertEquals(List.of(), bangs, "etc/run programs and other events do not bang");

      supervisord.send("PROCESS_STATE_FATAL", exited("x-on-watch", "slappart0"));
      assertEquals("RESULT 2\nOKREADY\n", supervisord.read(17));
      assertEquals(List.of("slappart0|x-on-watch process in partition slappart0 encountered a problem"), bangs);
      assertEquals("0", Files.readString(root.resolve("slappart0/" + Watchdog.BANG_TIMESTAMP_FILE)),
          "a never-deployed partition records 0");

      supervisord.send("PROCESS_STATE_EXITED", exited("x-on-watch", "slappart0"));
      assertEquals("RESULT 2\nOKREADY\n", supervisord.read(17));
      assertEquals(1, bangs.size(), "no second bang before a new deployment");

      supervisord.close();
      listening.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void bangRulesFollowTheDeploymentTimestamp(@TempDir Path root) throws Exception {
    WatchdogSettings settings = new WatchdogSettings("http://127.0.0.1:1/", "COMP-1", null, root);
    Path partition = Files.createDirectories(root.resolve("slappart1"));
    Path bang = partition.resolve(Watchdog.BANG_TIMESTAMP_FILE);
    Path deployed = partition.resolve(Watchdog.TIMESTAMP_FILE);

    assertFalse(watchdog.hasBangedSinceDeployment(settings, "slappart1"), "never banged");
    Files.writeString(bang, "100");
    assertTrue(watchdog.hasBangedSinceDeployment(settings, "slappart1"), "banged, never deployed");
    Files.writeString(deployed, "100");
    assertTrue(watchdog.hasBangedSinceDeployment(settings, "slappart1"), "banged after this deployment");
    Files.writeString(deployed, "1700000000.25");
    assertFalse(watchdog.hasBangedSinceDeployment(settings, "slappart1"), "deployed since the bang");

    watchdog.handle(settings, java.util.Map.of("eventname", "PROCESS_STATE_EXITED"), exited("db-on-watch", "slappart1"));
    assertEquals(1, bangs.size());
    assertEquals("1700000000.25", Files.readString(bang), "the bang remembers the deployment it happened in");
    watchdog.handle(settings, java.util.Map.of("eventname", "PROCESS_STATE_EXITED"), exited("db-on-watch", "slappart1"));
    assertEquals(1, bangs.size());

    WatchdogSettings withoutRoot = new WatchdogSettings("http://127.0.0.1:1/", "COMP-1", null, null);
    assertFalse(watchdog.hasBangedSinceDeployment(withoutRoot, "slappart1"), "no instance root: always bang");
  }

  @Test
  void aFailedBangIsRetriedAtTheNextCrash(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("slappart2"));
    List<String> attempts = new CopyOnWriteArrayList<>();
    Watchdog failing = new Watchdog((settings, partition, message) -> {
      attempts.add(partition);
      throw new IOException("master unreachable");
    });
    WatchdogSettings settings = new WatchdogSettings("http://127.0.0.1:1/", "COMP-1", null, root);
    failing.handle(settings, java.util.Map.of("eventname", "PROCESS_STATE_FATAL"), exited("a-on-watch", "slappart2"));
    failing.handle(settings, java.util.Map.of("eventname", "PROCESS_STATE_FATAL"), exited("a-on-watch", "slappart2"));
    assertEquals(List.of("slappart2", "slappart2"), attempts);
    assertFalse(Files.exists(root.resolve("slappart2/" + Watchdog.BANG_TIMESTAMP_FILE)));
  }

  @Test
  void groupNamesThatLeaveTheInstanceRootAreIgnored(@TempDir Path root) {
    WatchdogSettings settings = new WatchdogSettings("http://127.0.0.1:1/", "COMP-1", null, root);
    watchdog.handle(settings, java.util.Map.of("eventname", "PROCESS_STATE_FATAL"), exited("a-on-watch", ".."));
    watchdog.handle(settings, java.util.Map.of("eventname", "PROCESS_STATE_FATAL"), exited("a-on-watch", "a/b"));
    assertEquals(List.of(), bangs);
  }

  @Test
  void brokenStreamsAreClearErrors() {
    WatchdogSettings settings = new WatchdogSettings("http://127.0.0.1:1/", "COMP-1", null, null);
    OutputStream sink = new ByteArrayOutputStream();
    for (String stream : List.of("ver:3.0 eventname:PROCESS_STATE_EXITED\n", "len:50\nshort", "len:abc\n",
        "no new line")) {
      InputStream in = new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8));
      assertThrows(SupervisorException.class, () -> watchdog.listen(settings, in, sink), stream);
    }
  }
}
