package org.slapos.supervisor.impl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorConsole;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slapos.supervisor.api.WatchdogCommand;

/** The {@link NodeSupervisor} and {@link SupervisorConsole} services, configured by PID {@value NodeSupervisor#PID}. */
@Component(service = {NodeSupervisor.class, SupervisorConsole.class}, configurationPid = NodeSupervisor.PID)
@Designate(ocd = NodeSupervisorConfig.class)
public final class NodeSupervisorComponent implements NodeSupervisor, SupervisorConsole {
  private final SupervisordNode node;

  @Activate
  public NodeSupervisorComponent(NodeSupervisorConfig config, BundleContext context) {
    this(config, context.getProperty(WatchdogCommand.SLAPOS_HOME_PROPERTY));
  }

  NodeSupervisorComponent(NodeSupervisorConfig config, String home) {
    this.node = new SupervisordNode(new SupervisordNode.Settings(resolve(config.supervisord(), home),
        resolve(config.supervisorctl(), home), Duration.ofSeconds(config.rpc_timeout_seconds()),
        Duration.ofSeconds(config.launch_timeout_seconds()), config.remove_retries(),
        Duration.ofMillis(config.remove_retry_interval_millis())), new Accounts(Duration.ofSeconds(30)));
  }

  private static Path resolve(String configured, String home) {
    Path path = Path.of(configured);
    if (!path.isAbsolute() && home != null && !home.isBlank()) {
      path = Path.of(home).resolve(path);
    }
    return path.toAbsolutePath();
  }

  @Override
  public void writeNodeConfiguration(SupervisorSettings settings) throws SupervisorException {
    node.writeNodeConfiguration(settings);
  }

  @Override
  public void ensureRunning(SupervisorSettings settings) throws SupervisorException {
    node.ensureRunning(settings);
  }

  @Override
  public List<String> startPartition(SupervisorSettings settings, PartitionPrograms partition) throws SupervisorException {
    return node.startPartition(settings, partition);
  }

  @Override
  public List<String> startManagerGroup(SupervisorSettings settings, PartitionPrograms partition, String suffix,
      java.nio.file.Path programs) throws SupervisorException {
    return node.startManagerGroup(settings, partition, suffix, programs);
  }

  @Override
  public void stopPartition(SupervisorSettings settings, String partitionId) throws SupervisorException {
    node.stopPartition(settings, partitionId);
  }

  @Override
  public void removePartition(SupervisorSettings settings, String partitionId) throws SupervisorException {
    node.removePartition(settings, partitionId);
  }

  @Override
  public void startAll(SupervisorSettings settings) throws SupervisorException {
    node.startAll(settings);
  }

  @Override
  public List<ProcessInfo> processes(SupervisorSettings settings) throws SupervisorException {
    return node.processes(settings);
  }

  @Override
  public void shutdown(SupervisorSettings settings) throws SupervisorException {
    node.shutdown(settings);
  }

  @Override
  public int runInForeground(SupervisorSettings settings) throws SupervisorException {
    return node.runInForeground(settings);
  }

  @Override
  public List<String> supervisorctlCommand(SupervisorSettings settings) {
    return node.supervisorctlCommand(settings);
  }
}
