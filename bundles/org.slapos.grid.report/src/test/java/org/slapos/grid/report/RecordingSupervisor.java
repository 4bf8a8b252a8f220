package org.slapos.grid.report;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;

/** A node supervisord that records what it is asked and lists the processes a test sets. */
final class RecordingSupervisor implements NodeSupervisor {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<ProcessInfo> processes = new CopyOnWriteArrayList<>();

  @Override
  public void writeNodeConfiguration(SupervisorSettings settings) {
    calls.add("writeNodeConfiguration");
  }

  @Override
  public void ensureRunning(SupervisorSettings settings) {
    calls.add("ensureRunning");
  }

  @Override
  public List<String> startPartition(SupervisorSettings settings, PartitionPrograms partition) {
    throw new UnsupportedOperationException("the report run never starts partitions");
  }

  @Override
  public List<String> startManagerGroup(SupervisorSettings settings, PartitionPrograms partition, String suffix,
      java.nio.file.Path programs) throws SupervisorException {
    try (java.util.stream.Stream<java.nio.file.Path> entries = java.nio.file.Files.list(programs)) {
      List<String> names = entries.map(entry -> partition.partitionId() + "-" + suffix + ":" + entry.getFileName())
          .sorted().toList();
      calls.add("manager " + partition.partitionId() + "-" + suffix + " " + String.join(",", names));
      return names;
    } catch (java.io.IOException e) {
      throw new SupervisorException(e.getMessage(), e);
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
  public void startAll(SupervisorSettings settings) {
    throw new UnsupportedOperationException("the report run never starts everything");
  }

  @Override
  public List<ProcessInfo> processes(SupervisorSettings settings) {
    calls.add("processes");
    return List.copyOf(processes);
  }

  @Override
  public void shutdown(SupervisorSettings settings) {
    calls.add("shutdown");
  }
}
