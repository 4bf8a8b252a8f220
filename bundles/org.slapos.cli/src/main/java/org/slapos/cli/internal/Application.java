package org.slapos.cli.internal;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code slapos ARGS} does, whoever calls it (the process's main thread or Gogo): global
 * options (anywhere on the line), help, finding the command by its longest name, and turning
 * failures into one line and an exit code (stack traces only with {@code --debug}).
 */
final class Application {
  /** The original's exit code for an unknown command or option before it. */
  static final int EXIT_UNKNOWN_COMMAND = 5;
  static final String VERSION = "slapos 0.1.0 (SlapOS core on OSGi, compatible with slapos.core 1.24)";

  private static final Logger LOG = LoggerFactory.getLogger("slapos");

  private final CommandRegistry registry;
  private final Consumer<GlobalOptions> loggingSetup;

  Application(CommandRegistry registry) {
    this(registry, options -> { });
  }

  /**
   * @param loggingSetup told the global options once they are all known (those after the command
   *     included), before the command runs: the launcher sets up logging from them
   */
  Application(CommandRegistry registry, Consumer<GlobalOptions> loggingSetup) {
    this.registry = registry;
    this.loggingSetup = loggingSetup;
  }

  int run(List<String> args, CliContext baseContext) {
    GlobalOptions.Leading leading = GlobalOptions.parseLeading(args);
    GlobalOptions options = leading.options();
    CliContext context = baseContext.withOptions(options.debug() || baseContext.debug(), options.verbosity());
    if (options.version()) {
      context.out().println(VERSION);
      return 0;
    }
    List<String> words = leading.rest();
    if (options.help() || words.isEmpty()) {
      context.out().print(HelpCommand.overview(registry));
      return 0;
    }
    if (words.get(0).startsWith("-")) {
      context.err().println("slapos: invalid option '" + words.get(0) + "'");
      LOG.debug("slapos: invalid option {}", words.get(0));
      return EXIT_UNKNOWN_COMMAND;
    }
    Optional<CommandEntry> match = registry.match(words);
    if (match.isEmpty()) {
      return unknown(context, words);
    }
    CommandEntry entry = match.get();
    List<String> rest = words.subList(entry.words().size(), words.size());
    try (CommandLease lease = entry.lease()) {
      SlaposCommand command = lease.command();
      GlobalOptions.Trailing trailing = options.parseTrailing(rest, command.optionNames());
      GlobalOptions all = trailing.options();
      if (!all.equals(options)) {
        loggingSetup.accept(all);
      }
      return execute(command, trailing.commandArgs(),
          baseContext.withOptions(all.debug() || baseContext.debug(), all.verbosity()));
    } catch (IllegalStateException gone) {
      // The command's bundle stopped between the lookup and the run.
      report(context, gone.getMessage(), gone);
      return 1;
    }
  }

  /** Runs one command and maps its failures; shared with the Gogo bridge. */
  static int execute(SlaposCommand command, List<String> args, CliContext context) {
    try {
      return command.run(context, List.copyOf(args));
    } catch (CommandFailure failure) {
      report(context, failure.getMessage(), failure);
      return failure.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report(context, "interrupted", e);
      return 1;
    } catch (Exception | LinkageError e) {
      report(context, describe(e), e);
      return 1;
    }
  }

  /**
   * The original's message for a command that does not exist, or, for a command of another
   * runtime of the distribution, which runtime runs it.
   */
  private int unknown(CliContext context, List<String> words) {
    Optional<CommandEntry> elsewhere = registry.matchCatalogue(words);
    String message;
    if (elsewhere.isPresent()) {
      message = "the command '" + elsewhere.get().name() + "' runs in the " + elsewhere.get().runtime()
          + " runtime, not in this one (bin/slapos starts the right one).";
    } else {
      message = "the command '" + String.join(" ", words) + "' does not exist or is not yet implemented.";
    }
    String available = registry.catalogue().stream().map(e -> "'" + e.name() + "'").collect(Collectors.joining(", "));
    context.err().println("slapos: " + message);
    context.err().println("Available commands: " + available);
    LOG.debug("slapos: {}", message);
    return EXIT_UNKNOWN_COMMAND;
  }

  private static void report(CliContext context, String message, Throwable cause) {
    context.err().println(message == null || message.isBlank() ? cause.getClass().getSimpleName() : message);
    if (context.debug()) {
      context.err().print(stackTrace(cause));
    }
    LOG.debug("Command failed", cause);
  }

  /** The Python-traceback equivalent shown under --debug: each cause with its frames. */
  static String stackTrace(Throwable failure) {
    StringBuilder text = new StringBuilder();
    String prefix = "";
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      text.append(prefix).append(t).append('\n');
      for (StackTraceElement frame : t.getStackTrace()) {
        text.append("\tat ").append(frame).append('\n');
      }
      prefix = "Caused by: ";
    }
    return text.toString();
  }

  /** One line for an unexpected exception: its type (without package) and message. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message.lines().findFirst().orElse("");
  }
}
