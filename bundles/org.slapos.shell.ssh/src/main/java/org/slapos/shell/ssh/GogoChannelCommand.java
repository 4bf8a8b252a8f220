package org.slapos.shell.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.slapos.command.api.CommandFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH "exec" or "shell" request, run in a Gogo {@link CommandSession} on the server's
 * executor. Gogo points System.out/err at the session's streams while a command runs, so what a
 * command prints reaches the client; a non-null result is printed as Gogo would.
 */
final class GogoChannelCommand implements Command {
  static final String PROMPT = "slapos> ";

  private static final Logger LOG = LoggerFactory.getLogger(GogoChannelCommand.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("org.slapos.shell.ssh.audit");

  private final CommandProcessor processor;
  private final ExecutorService executor;
  private final String commandLine;
  private InputStream in;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exitCallback;
  private volatile Future<?> task;
  private volatile CommandSession gogo;

  private GogoChannelCommand(CommandProcessor processor, ExecutorService executor, String commandLine) {
    this.processor = processor;
    this.executor = executor;
    this.commandLine = commandLine;
  }

  /** Runs {@code commandLine} once ({@code ssh host 'lb'}). */
  static GogoChannelCommand exec(CommandProcessor processor, ExecutorService executor, String commandLine) {
    return new GogoChannelCommand(processor, executor, commandLine);
  }

  /** Reads and runs lines until {@code exit}, Ctrl-D or the end of input. */
  static GogoChannelCommand shell(CommandProcessor processor, ExecutorService executor) {
    return new GogoChannelCommand(processor, executor, null);
  }

  /** Who runs the commands, for the audit log. */
  private record Caller(String user, String fingerprint, SocketAddress peer) {
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exitCallback = callback;
  }

  @Override
  public void start(ChannelSession channel, Environment environment) throws IOException {
    ServerSession session = channel.getServerSession();
    Caller caller = new Caller(session.getUsername(), session.getAttribute(AuthorizedKeys.FINGERPRINT),
        session.getClientAddress());
    boolean terminal = TerminalChannelSession.hasTerminal(channel);
    OutputStream output = terminal ? new TerminalOutputStream(out) : out;
    OutputStream errors = terminal ? new TerminalOutputStream(err) : err;
    try {
      task = executor.submit(() -> run(caller, terminal, output, errors));
    } catch (RejectedExecutionException e) {
      throw new IOException("the remote shell is stopping", e);
    }
  }

  private void run(Caller caller, boolean terminal, OutputStream output, OutputStream errors) {
    int status = 1;
    try {
      status = commandLine != null ? runOnce(caller, output, errors) : runShell(caller, terminal, output, errors);
    } catch (InterruptedIOException e) {
      LOG.debug("Remote shell session of {} interrupted", caller.peer());
    } catch (IOException e) {
      LOG.debug("Remote shell session of {} ended: {}", caller.peer(), e.toString());
    } catch (RuntimeException e) {
      LOG.warn("Remote shell session of {} failed", caller.peer(), e);
    } finally {
      exitCallback.onExit(status);
    }
  }

  private int runOnce(Caller caller, OutputStream output, OutputStream errors) throws IOException {
    PrintStream printOut = new PrintStream(output, false, StandardCharsets.UTF_8);
    PrintStream printErr = new PrintStream(errors, false, StandardCharsets.UTF_8);
    try (CommandSession session = processor.createSession(in, output, errors)) {
      gogo = session;
      return execute(session, caller, commandLine, printOut, printErr);
    } finally {
      gogo = null;
    }
  }

  private int runShell(Caller caller, boolean terminal, OutputStream output, OutputStream errors)
      throws IOException {
    PrintStream printOut = new PrintStream(output, false, StandardCharsets.UTF_8);
    PrintStream printErr = new PrintStream(errors, false, StandardCharsets.UTF_8);
    // The line reader owns the channel's input: commands get an empty one rather than racing it.
    try (CommandSession session = processor.createSession(InputStream.nullInputStream(), output, errors)) {
      gogo = session;
      InputStreamReader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
      TerminalLineReader terminalReader = terminal ? new TerminalLineReader(reader, output) : null;
      BufferedReader plainReader = terminal ? null : new BufferedReader(reader);
      while (true) {
        if (terminal) {
          printOut.print(PROMPT);
          printOut.flush();
        }
        String line = terminal ? terminalReader.readLine() : plainReader.readLine();
        if (line == null || line.strip().equals("exit")) {
          return 0;
        }
        if (!line.isBlank()) {
          execute(session, caller, line.strip(), printOut, printErr);
        }
      }
    } finally {
      gogo = null;
    }
  }

  private static int execute(CommandSession session, Caller caller, String line, PrintStream out, PrintStream err) {
    AUDIT.info("user={} key={} peer={} command={}", caller.user(), caller.fingerprint(), caller.peer(), line);
    try {
      Object result = session.execute(line);
      if (result != null) {
        out.println(session.format(result, Converter.INSPECT));
      }
      return 0;
    } catch (Exception e) {
      err.println(oneLine(e));
      return exitCode(e);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** A one-line message: the failure's own for a CommandFailure, else its type and message. */
  static String oneLine(Throwable e) {
    CommandFailure failure = commandFailure(e);
    String message;
    if (failure != null) {
      message = failure.getMessage();
    } else {
      message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName()
          : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    String firstLine = message == null ? "" : message.strip().lines().findFirst().orElse("");
    return firstLine.isEmpty() ? e.getClass().getName() : firstLine;
  }

  /** The exit status for a failed command: a CommandFailure's code (in the cause chain), else 1. */
  static int exitCode(Throwable e) {
    CommandFailure failure = commandFailure(e);
    return failure == null || failure.exitCode() == 0 ? 1 : failure.exitCode();
  }

  private static CommandFailure commandFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CommandFailure failure) {
        return failure;
      }
    }
    return null;
  }

  @Override
  public void destroy(ChannelSession channel) {
    Future<?> running = task;
    if (running != null) {
      running.cancel(true);
    }
    CommandSession session = gogo;
    if (session != null) {
      session.close();
    }
  }
}
