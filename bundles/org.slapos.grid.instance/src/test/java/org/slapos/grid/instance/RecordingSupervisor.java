package org.slapos.grid.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;

/**
 * A node supervisord that records what it is asked; {@code startPartition} answers with the programs
 * the partition's {@code etc/run} and {@code etc/service} hold, as the real one does.
 */
final class RecordingSupervisor implements NodeSupervisor {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<PartitionPrograms> started = new CopyOnWriteArrayList<>();
  volatile boolean failStartAll;

  @Override
  public void writeNodeConfiguration(SupervisorSettings settings) {
    calls.add("writeNodeConfiguration");
  }

  @Override
  public void ensureRunning(SupervisorSettings settings) {
    calls.add("ensureRunning");
  }

  @Override
  public List<String> startManagerGroup(SupervisorSettings settings, PartitionPrograms partition, String suffix,
      java.nio.file.Path programs) {
    throw new UnsupportedOperationException("node instance starts no manager group");
  }

  @Override
  public List<String> startPartition(SupervisorSettings settings, PartitionPrograms partition)
      throws SupervisorException {
    calls.add("start " + partition.partitionId());
    started.add(partition);
    List<String> programs = new ArrayList<>();
    try {
      programs.addAll(entries(partition.directory().resolve("etc/run"), ""));
      programs.addAll(entries(partition.directory().resolve("etc/service"), "-on-watch"));
    } catch (IOException e) {
      throw new SupervisorException("cannot list the programs of " + partition.partitionId() + ": " + e.getMessage(), e);
    }
    return programs;
  }

  private static List<String> entries(Path directory, String suffix) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName() + suffix).sorted().toList();
    }
  }

  @Override
  public void stopPartition(SupervisorSettings settings, String partitionId) {
    calls.add("stop " + partitionId);
  }

  @Override
  public void removePartition(SupervisorSettings settings, String partitionId) {
    calls.add("remove " + partitionId);
  }

  @Override
  public void startAll(SupervisorSettings settings) throws SupervisorException {
    calls.add("startAll");
    if (failStartAll) {
      throw new SupervisorException("supervisord does not answer on " + settings.socket());
    }
  }

  @Override
  public List<ProcessInfo> processes(SupervisorSettings settings) {
    return List.of();
  }

  @Override
  public void shutdown(SupervisorSettings settings) {
    calls.add("shutdown");
  }
}
