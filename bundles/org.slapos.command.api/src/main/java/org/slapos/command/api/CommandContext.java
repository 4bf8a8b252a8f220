package org.slapos.command.api;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What a command may use from its caller (CLI process or Gogo session). Provider type. */
@org.osgi.annotation.versioning.ProviderType
public interface CommandContext {
  /** Standard output: the command's result (JSON, tables...). */
  PrintStream out();

  /** Standard error: messages for the user. */
  PrintStream err();

  InputStream in();

  /** Environment variables of the caller ({@code SLAPOS_CONFIGURATION}, ...). */
  Map<String, String> environment();

  /** The caller's working directory, for relative paths. */
  Path workingDirectory();

  /** The user's home directory, for {@code ~} expansion. */
  Path homeDirectory();

  /** True with {@code --debug}: failures show their stack trace. */
  boolean debug();

  /** Console verbosity: -1 quiet (-q), 0 default, 1+ verbose (-v). */
  int verbosity();

  /** Whether standard input is an interactive terminal. */
  boolean interactive();

  /** A framework or system property (e.g. {@code slapos.configuration}). */
  Optional<String> property(String name);
}
