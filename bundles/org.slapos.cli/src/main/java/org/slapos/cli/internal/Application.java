package org.slapos.cli.internal;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slapos.command.api.CommandFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code slapos ARGS} does, whoever calls it (the process's main thread or Gogo): global
 * options, help, finding the command by its longest name, and turning failures into one line and
 * an exit code (stack traces only with {@code --debug}).
 */
final class Application {
  /** The original's exit code for an unknown command or option before it. */
  static final int EXIT_UNKNOWN_COMMAND = 5;
  static final String VERSION = "slapos 0.1.0 (SlapOS core on OSGi, compatible with slapos.core 1.24)";

  private static final Logger LOG = LoggerFactory.getLogger("slapos");

  private final CommandRegistry registry;

  Application(CommandRegistry registry) {
    this.registry = registry;
  }

  int run(List<String> args, CliContext baseContext) {
    GlobalOptions options = GlobalOptions.parse(args);
    CliContext context = baseContext.withOptions(options.debug() || baseContext.debug(), options.verbosity());
    if (options.version()) {
      context.out().println(VERSION);
      return 0;
    }
    List<String> words = options.commandWords();
    if (options.help() || words.isEmpty()) {
      context.out().print(HelpCommand.overview(registry));
      return 0;
    }
    if (!words.isEmpty() && words.get(0).startsWith("-")) {
      return unknown(context, "unrecognized option " + words.get(0));
    }
    Optional<CommandEntry> match = registry.match(words);
    if (match.isEmpty()) {
      return unknown(context, "the command '" + String.join(" ", words) + "' does not exist or is not yet implemented.");
    }
    CommandEntry entry = match.get();
    return execute(entry, words.subList(entry.words().size(), words.size()), context);
  }

  /** Runs one command and maps its failures; shared with the Gogo bridge. */
  static int execute(CommandEntry entry, List<String> args, CliContext context) {
    try {
      return entry.command().run(context, List.copyOf(args));
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

  private int unknown(CliContext context, String message) {
    String available = registry.all().stream().map(e -> "'" + e.name() + "'").collect(Collectors.joining(", "));
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
