package org.slapos.buildout.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.buildout.api.BuildoutException;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutResult;
import org.slapos.buildout.api.BuildoutRunner;

/** The {@link BuildoutRunner} service, configured by PID {@value BuildoutRunner#PID}. */
@Component(service = BuildoutRunner.class, configurationPid = BuildoutRunner.PID)
@Designate(ocd = BuildoutRunnerConfig.class)
public final class BuildoutRunnerComponent implements BuildoutRunner {
  private final ExecBuildoutRunner runner;

  /**
   * Framework (or system) property naming the project directory: {@code bin/slapos} sets it, so that
   * the default buildout ({@code .tools/bin/buildout}, written by bin/setup-buildout) is found
   * whatever the operator's working directory.
   */
  static final String HOME_PROPERTY = "slapos.home";

  @Activate
  public BuildoutRunnerComponent(BuildoutRunnerConfig config, BundleContext context) {
    this(config, context.getProperty(HOME_PROPERTY));
  }

  BuildoutRunnerComponent(BuildoutRunnerConfig config) {
    this(config, (String) null);
  }

  private BuildoutRunnerComponent(BuildoutRunnerConfig config, String home) {
    Path buildout = Path.of(config.buildout());
    if (!buildout.isAbsolute() && home != null && !home.isBlank()) {
      buildout = Path.of(home).resolve(buildout);
    }
    // The node's environment is read only to pass the few configured variables through.
    this.runner = new ExecBuildoutRunner(new ExecBuildoutRunner.Settings(buildout,
        Duration.ofSeconds(config.timeout_seconds()), config.log_tail_lines(), config.umask(), config.path(),
        List.of(config.pass_environment()), System.getenv(), effectiveUid() == 0));
  }

  @Override
  public BuildoutResult run(BuildoutRequest request, Consumer<String> outputLine) throws BuildoutException {
    return runner.run(request, outputLine);
  }

  /** The effective uid, as the owner of {@code /proc/self} (no native call needed). */
  private static long effectiveUid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot tell whether the node runs as root: " + e.getMessage(), e);
    }
  }
}
