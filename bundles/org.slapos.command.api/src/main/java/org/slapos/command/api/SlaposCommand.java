package org.slapos.command.api;

import java.util.List;

/**
 * One {@code slapos} command. Register it as a service with the property {@link #NAME}
 * (space-separated words, e.g. {@code "service info"}) and, optionally, {@link #GROUP} and
 * {@link #SUMMARY}. The CLI matches the longest registered name against the leading arguments.
 * <p>Consumer type: third-party bundles implement it; grow it only with default methods.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface SlaposCommand {
  /** Service property: the command name, words separated by one space. */
  String NAME = "slapos.command.name";
  /** Service property: {@code client}, {@code node}, {@code other}... used to group the help. */
  String GROUP = "slapos.command.group";
  /** Service property: one line shown in {@code slapos help}. */
  String SUMMARY = "slapos.command.summary";

  /**
   * Runs the command.
   *
   * @param context where to write, the environment and the global options
   * @param args the arguments after the command name
   * @return the exit code (0 on success)
   * @throws CommandFailure for an expected failure: its message is shown on one line
   * @throws Exception anything else: shown on one line, with the stack trace only under --debug
   */
  int run(CommandContext context, List<String> args) throws Exception;

  /**
   * The options this command defines itself ({@code --logfile}, {@code -v}...). The global options
   * ({@code -v}, {@code -q}, {@code --debug}, {@code --log-file}...) are accepted anywhere on the
   * line, before or after the command; one that this command also defines goes to the command
   * instead when it comes after the command name, as in the original (cliff). None by default.
   */
  default java.util.Set<String> optionNames() {
    return java.util.Set.of();
  }

  /** Completion candidates for the word being typed; none by default. */
  default List<String> complete(List<String> argsBeforeCursor) {
    return List.of();
  }
}
