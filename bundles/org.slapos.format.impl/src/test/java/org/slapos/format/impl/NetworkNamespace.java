package org.slapos.format.impl;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slapos.format.api.FormatException;
import org.slapos.format.impl.SystemOperations.ExecResult;

/**
 * A throw-away network namespace with a ULA on its loopback, plus the users and groups a root test
 * creates (all named with one random prefix), removed again by {@link #close()}, also after a
 * failure. Never touches the host's interfaces.
 */
final class NetworkNamespace implements AutoCloseable {
  static final String BASE_ADDRESS = "fd5a:1ab0:5eed::1";

  final String name;
  /** Prefix of every user and group name the test may create, e.g. {@code tfmt3fa9c1}. */
  final String prefix;
  private final ExecSystemOperations host = new ExecSystemOperations(null, Duration.ofSeconds(30));

  NetworkNamespace() throws FormatException {
    String random = HexFormat.of().formatHex(SecureRandom.getSeed(3));
    this.name = "tfmt" + random;
    this.prefix = "tfmt" + random;
    run(List.of("ip", "netns", "add", name));
    run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
    run(List.of("ip", "-n", name, "addr", "add", BASE_ADDRESS + "/64", "dev", "lo"));
  }

  /** Root and a working {@code ip netns}: what the root tests need. */
  static boolean available() {
    if (!PartitionFormatterComponent.runningAsRoot()) {
      return false;
    }
    try {
      ExecSystemOperations ops = new ExecSystemOperations(null, Duration.ofSeconds(10));
      return ops.missingCommands(List.of("ip", "useradd", "userdel", "groupdel", "getent")).isEmpty()
          && ops.query(List.of("ip", "netns", "list")).ok();
    } catch (FormatException e) {
      return false;
    }
  }

  /** Operations whose network commands run inside this namespace. */
  ExecSystemOperations operations() {
    return new ExecSystemOperations(name, Duration.ofSeconds(60));
  }

  String ip(String... args) throws FormatException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", name));
    command.addAll(List.of(args));
    return run(command);
  }

  String run(List<String> command) throws FormatException {
    ExecResult r = host.query(command);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + r.output());
    }
    return r.output();
  }

  List<String> entries(String database) throws FormatException {
    List<String> names = new ArrayList<>();
    for (String line : host.query(List.of("getent", database)).output().split("\n")) {
      String entry = line.split(":", 2)[0];
      if (entry.startsWith(prefix)) {
        names.add(entry);
      }
    }
    return names;
  }

  @Override
  public void close() throws FormatException {
    for (String user : entries("passwd")) {
      host.query(List.of("userdel", user));
    }
    for (String group : entries("group")) {
      host.query(List.of("groupdel", group));
    }
    host.query(List.of("ip", "netns", "del", name));
  }
}
