package org.slapos.buildout.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One buildout run.
 *
 * @param directory the Software Release or partition directory: working directory and {@code HOME}
 * @param profile the profile given with {@code -c} (usually {@code <directory>/buildout.cfg})
 * @param user the account to run as when the node runs as root; {@code null} means the owner of
 *     {@code directory}, as the original. Ignored when the node does not run as root.
 * @param arguments further buildout arguments placed before {@code -c}, in order, e.g.
 *     {@code buildout:directory=...}, {@code -N}
 * @param environment variables added to (or replacing) the sanitised environment
 * @param timeout how long buildout may run; {@code null} means the runner's configured timeout
 * @param debug run buildout with {@code -D} (its post-mortem debugger on errors)
 * @param executable the buildout to run ({@code [slapos] buildout}); {@code null} means the runner's
 *     configured one
 */
public record BuildoutRequest(Path directory, Path profile, String user, List<String> arguments,
    Map<String, String> environment, Duration timeout, boolean debug, Path executable) {

  public BuildoutRequest {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(profile, "profile");
    arguments = arguments == null ? List.of() : List.copyOf(arguments);
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** A run of {@code profile} in {@code directory} with the defaults. */
  public static BuildoutRequest of(Path directory, Path profile) {
    return new BuildoutRequest(directory, profile, null, List.of(), Map.of(), null, false, null);
  }

  public BuildoutRequest withUser(String newUser) {
    return new BuildoutRequest(directory, profile, newUser, arguments, environment, timeout, debug, executable);
  }

  public BuildoutRequest withArguments(List<String> newArguments) {
    return new BuildoutRequest(directory, profile, user, newArguments, environment, timeout, debug, executable);
  }

  public BuildoutRequest withEnvironment(Map<String, String> newEnvironment) {
    return new BuildoutRequest(directory, profile, user, arguments, newEnvironment, timeout, debug, executable);
  }

  public BuildoutRequest withTimeout(Duration newTimeout) {
    return new BuildoutRequest(directory, profile, user, arguments, environment, newTimeout, debug, executable);
  }

  public BuildoutRequest withExecutable(Path newExecutable) {
    return new BuildoutRequest(directory, profile, user, arguments, environment, timeout, debug, newExecutable);
  }

  public BuildoutRequest withDebug(boolean newDebug) {
    return new BuildoutRequest(directory, profile, user, arguments, environment, timeout, newDebug, executable);
  }
}
