package org.slapos.supervisor.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slapos.supervisor.api.ProcessWatchdog;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.WatchdogSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog of node-behavior §5.8: supervisord's event-listener protocol on a pair of streams, and
 * the bang rules (at most one {@code softwareInstanceBang} per successful deployment of a partition,
 * remembered in {@code .slapos_latest_bang_timestamp}).
 */
final class Watchdog implements ProcessWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
  static final Set<String> PROCESS_STATE_EVENTS = Set.of("PROCESS_STATE_EXITED", "PROCESS_STATE_FATAL");
  static final String TIMESTAMP_FILE = ".timestamp";
  static final String BANG_TIMESTAMP_FILE = ".slapos_latest_bang_timestamp";
  /** supervisord's header line is short; a longer one is not the protocol. */
  private static final int MAX_HEADER_BYTES = 8192;
  /** An event payload bigger than this is not a process state event. */
  private static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  /** Sends the bang; the seam between the protocol and the SLAP client. */
  @FunctionalInterface
  interface Banger {
    void bang(WatchdogSettings settings, String partitionId, String message) throws Exception;
  }

  private final Banger banger;

  Watchdog(Banger banger) {
    this.banger = banger;
  }

  @Override
  public void listen(WatchdogSettings settings, InputStream events, OutputStream answers) throws SupervisorException {
    try {
      while (true) {
        answers.write("READY\n".getBytes(StandardCharsets.US_ASCII));
        answers.flush();
        String line = headerLine(events);
        if (line == null) {
          LOG.debug("supervisord closed the event stream: the watchdog ends");
          return;
        }
        Map<String, String> headers = tokens(line);
        String length = headers.get("len");
        if (length == null || !length.matches("\\d{1,9}") || Integer.parseInt(length) > MAX_PAYLOAD_BYTES) {
          throw new SupervisorException("Not an event header from supervisord: " + line.strip());
        }
        byte[] payload = events.readNBytes(Integer.parseInt(length));
        if (payload.length < Integer.parseInt(length)) {
          throw new SupervisorException("supervisord's event stream ended inside an event of " + length + " bytes");
        }
        handle(settings, headers, new String(payload, StandardCharsets.UTF_8));
        answers.write("RESULT 2\nOK".getBytes(StandardCharsets.US_ASCII));
        answers.flush();
      }
    } catch (IOException e) {
      throw new SupervisorException("The watchdog lost supervisord's event stream: " + e.getMessage(), e);
    }
  }

  /** One event: bangs for a watched process that exited or failed, unless it already banged since the last deployment. */
  void handle(WatchdogSettings settings, Map<String, String> headers, String payload) {
    if (!PROCESS_STATE_EVENTS.contains(headers.get("eventname"))) {
      return;
    }
    Map<String, String> event = tokens(payload);
    String process = event.getOrDefault("processname", "");
    String partition = event.getOrDefault("groupname", "");
    if (!process.contains(SupervisorFiles.WATCHDOG_MARK)) {
      return;
    }
    if (!isPlainName(partition)) {
      LOG.warn("Ignoring an event of group {}: not a partition name", partition.replaceAll("\\p{Cntrl}", "?"));
      return;
    }
    if (hasBangedSinceDeployment(settings, partition)) {
      LOG.debug("{} of {} already banged since its last deployment", process, partition);
      return;
    }
    String message = process + " process in partition " + partition + " encountered a problem";
    try {
      banger.bang(settings, partition, message);
      LOG.info("Banged {}: {}", partition, message);
    } catch (Exception e) {
      // The original's listener died here and supervisord restarted it; logging keeps the next event handled.
      LOG.warn("Bang of partition {} failed: {}", partition, e.getMessage());
      LOG.debug("Bang failure", e);
      return;
    }
    rememberBang(settings, partition);
  }

  /**
   * The original's rule: no bang file means never banged; a bang file without a deployment timestamp
   * means banged already (the partition never deployed since); otherwise banged since the deployment
   * unless the deployment timestamp is newer. Without an instance root, every crash bangs.
   */
  boolean hasBangedSinceDeployment(WatchdogSettings settings, String partition) {
    if (settings.instanceRoot() == null) {
      return false;
    }
    Path directory = settings.instanceRoot().resolve(partition);
    Path bang = directory.resolve(BANG_TIMESTAMP_FILE);
    Path deployment = directory.resolve(TIMESTAMP_FILE);
    if (!Files.exists(bang)) {
      return false;
    }
    if (!Files.exists(deployment)) {
      return true;
    }
    try {
      BigDecimal lastBang = new BigDecimal(Files.readString(bang).strip());
      BigDecimal deployed = new BigDecimal(Files.readString(deployment).strip());
      return deployed.compareTo(lastBang) <= 0;
    } catch (IOException | NumberFormatException e) {
      // The original crashes on a non-integer timestamp; reporting the crash is the safer side.
      LOG.warn("Unreadable timestamps in {} ({}): banging", directory, e.getMessage());
      return false;
    }
  }

  /** Copies the deployment timestamp (or {@code 0}) into the bang timestamp file. */
  private static void rememberBang(WatchdogSettings settings, String partition) {
    if (settings.instanceRoot() == null) {
      return;
    }
    Path directory = settings.instanceRoot().resolve(partition);
    try {
      Path deployment = directory.resolve(TIMESTAMP_FILE);
      String timestamp = Files.exists(deployment) ? Files.readString(deployment) : "0";
      Files.writeString(directory.resolve(BANG_TIMESTAMP_FILE), timestamp);
    } catch (IOException e) {
      LOG.warn("Cannot write {} in {}: {}", BANG_TIMESTAMP_FILE, directory, e.getMessage());
    }
  }

  /** {@code key:value} tokens separated by white space (the header line and the payload alike). */
  static Map<String, String> tokens(String text) {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String token : text.strip().split("\\s+")) {
      int colon = token.indexOf(':');
      if (colon > 0) {
        tokens.put(token.substring(0, colon), token.substring(colon + 1));
      }
    }
    return tokens;
  }

  private static boolean isPlainName(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && !name.contains("/")
        && name.chars().noneMatch(Character::isISOControl);
  }

  /** The header line without its new line; null at the end of the stream. */
  private static String headerLine(InputStream in) throws IOException, SupervisorException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new SupervisorException("supervisord's event stream ended inside a header line");
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
      if (line.size() > MAX_HEADER_BYTES) {
        throw new SupervisorException("Not an event header from supervisord: more than " + MAX_HEADER_BYTES + " bytes");
      }
    }
  }
}
