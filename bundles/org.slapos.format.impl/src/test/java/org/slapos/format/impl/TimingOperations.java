package org.slapos.format.impl;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slapos.format.api.FormatException;

/** Wraps real operations and adds up the time spent per kind of command, for the benchmark. */
final class TimingOperations implements SystemOperations {
  final Map<String, long[]> totals = new TreeMap<>();
  private final SystemOperations real;

  TimingOperations(SystemOperations real) {
    this.real = real;
  }

  private static String kind(List<String> command) {
    if (command.get(0).equals("ip")) {
      StringBuilder k = new StringBuilder("ip");
      for (String word : command.subList(1, command.size())) {
        k.append(' ').append(word);
        if (!word.startsWith("-")) {
          break;
        }
      }
      return k.toString();
    }
    return command.get(0);
  }

  private void add(String kind, long nanos) {
    long[] t = totals.computeIfAbsent(kind, k -> new long[2]);
    t[0]++;
    t[1] += nanos;
  }

  String report() {
    StringBuilder out = new StringBuilder();
    totals.forEach((k, t) -> out.append(String.format("    %-30s %5d calls %7d ms%n", k, t[0], t[1] / 1_000_000)));
    return out.toString();
  }

  @Override
  public boolean dryRun() {
    return real.dryRun();
  }

  @Override
  public ExecResult query(List<String> command) throws FormatException {
    long start = System.nanoTime();
    try {
      return real.query(command);
    } finally {
      add("(read) " + kind(command), System.nanoTime() - start);
    }
  }

  @Override
  public ExecResult queryAll(List<List<String>> commands) throws FormatException {
    long start = System.nanoTime();
    try {
      return real.queryAll(commands);
    } finally {
      add("(read) ip -batch (" + commands.size() + " reads)", System.nanoTime() - start);
    }
  }

  @Override
  public ExecResult change(List<String> command) throws FormatException {
    long start = System.nanoTime();
    try {
      return real.change(command);
    } finally {
      add(kind(command), System.nanoTime() - start);
    }
  }

  @Override
  public ExecResult changeBatch(List<List<String>> commands) throws FormatException {
    long start = System.nanoTime();
    try {
      return real.changeBatch(commands);
    } finally {
      add("ip -batch (" + commands.size() + " commands)", System.nanoTime() - start);
    }
  }

  @Override
  public ExecResult changeAll(List<List<String>> commands) throws FormatException {
    long start = System.nanoTime();
    try {
      return real.changeAll(commands);
    } finally {
      add("ip -force -batch (" + commands.size() + " commands)", System.nanoTime() - start);
    }
  }

  @Override
  public void createDirectories(Path directory, int mode) throws FormatException {
    long start = System.nanoTime();
    real.createDirectories(directory, mode);
    add("mkdir", System.nanoTime() - start);
  }

  @Override
  public void setMode(Path path, int mode) throws FormatException {
    long start = System.nanoTime();
    real.setMode(path, mode);
    add("chmod", System.nanoTime() - start);
  }

  @Override
  public void setOwner(Path path, String user, String group) throws FormatException {
    long start = System.nanoTime();
    real.setOwner(path, user, group);
    add("chown", System.nanoTime() - start);
  }

  @Override
  public int mode(Path path) throws FormatException {
    return real.mode(path);
  }

  @Override
  public List<String> owner(Path path) throws FormatException {
    return real.owner(path);
  }

  @Override
  public Set<String> missingCommands(List<String> commands) {
    return real.missingCommands(commands);
  }

  @Override
  public void onChange(Consumer<String> listener) {
    real.onChange(listener);
  }
}
