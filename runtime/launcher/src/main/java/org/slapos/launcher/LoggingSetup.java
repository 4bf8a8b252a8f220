package org.slapos.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

/**
 * Console and file logging as the Python CLI does it: the console (stderr) shows INFO by default,
 * WARNING with -q and DEBUG with -v; a log file, when given, gets everything at DEBUG with the
 * original's {@code [%(asctime)s] %(levelname)-8s %(message)s} layout. Configured in code because
 * parsing an XML configuration costs start-up time on every command.
 */
final class LoggingSetup {
  private LoggingSetup() {
  }

  static void configure(GlobalOptions options) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.DEBUG);

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(context, (options.logTime() ? "%d{yyyy-MM-dd HH:mm:ss} " : "")
        + "%logger{0}[" + ProcessHandle.current().pid() + "] %level %msg%n"
        + (options.debug() ? "%ex" : "%nopex")));
    ThresholdFilter threshold = new ThresholdFilter();
    threshold.setLevel(options.verbosity() < 0 ? "WARN" : options.verbosity() == 0 ? "INFO" : "DEBUG");
    threshold.start();
    console.addFilter(threshold);
    console.start();
    root.addAppender(console);

    if (options.logFile() != null) {
      FileAppender<ILoggingEvent> file = new FileAppender<>();
      file.setContext(context);
      file.setName("file");
      file.setFile(options.logFile());
      file.setAppend(true);
      // Quoted: a bare comma in %d{...} would start the time-zone option.
      file.setEncoder(encoder(context, "[%d{\"yyyy-MM-dd HH:mm:ss,SSS\"}] %-8level %msg%n"));
      file.start();
      root.addAppender(file);
    }
    // Framework internals are only interesting when debugging the runtime itself.
    context.getLogger("org.apache.felix").setLevel(options.debug() ? Level.DEBUG : Level.WARN);
    context.getLogger("org.eclipse.jetty").setLevel(options.debug() ? Level.DEBUG : Level.WARN);
    // "Jetty not started (HTTP and HTTPS disabled)" is the normal state until proxy start configures it.
    context.getLogger("org.apache.felix.http").setLevel(options.debug() ? Level.DEBUG : Level.ERROR);
  }

  private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }
}
