/**
 * The one command-line parser of {@code slapos} commands: {@link org.slapos.command.syntax.ArgumentSyntax}
 * declares a command's options and positionals and parses them like the original's Python
 * {@code argparse} (same messages, exit code 2 for usage errors, help on standard output with exit
 * code 0). A command built on it reports its option names through
 * {@link org.slapos.command.syntax.ArgumentSyntax#optionNames()}, which the command line uses to
 * tell the command's own options from the global ones.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.command.syntax;
