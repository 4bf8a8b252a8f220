package org.slapos.command.syntax;

import java.util.List;
import picocli.CommandLine.ParseResult;

/**
 * The parsed arguments of one run. Options are looked up by argparse's dest
 * ({@code database_uri}) or by any of their option strings ({@code -u}, {@code --database-uri}).
 */
public final class Arguments {
  private final ArgumentSyntax syntax;
  private final ParseResult result;

  Arguments(ArgumentSyntax syntax, ParseResult result) {
    this.syntax = syntax;
    this.result = result;
  }

  /**
   * The value of a single-value option, or null when it was not given.
   *
   * @throws IllegalArgumentException when the syntax has no such option
   */
  public String value(String key) {
    String name = canonical(key);
    return result.hasMatchedOption(name) ? result.matchedOptionValue(name, (String) null) : null;
  }

  /** The values of a multi-value option (its last occurrence), empty when it was not given. */
  public List<String> values(String key) {
    String name = canonical(key);
    return result.hasMatchedOption(name) ? List.copyOf(result.matchedOptionValue(name, List.<String>of())) : List.of();
  }

  /** Whether a flag (or any option) was given. */
  public boolean flag(String key) {
    return result.hasMatchedOption(canonical(key));
  }

  /** The positional argument at {@code index}, or null for an optional one that was not given. */
  public String positional(int index) {
    return index < result.matchedPositionals().size() ? result.matchedPositionals().get(index).getValue() : null;
  }

  private String canonical(String key) {
    var option = syntax.option(key);
    if (option == null) {
      throw new IllegalArgumentException(syntax.prog() + " has no option " + key);
    }
    return ArgumentSyntax.canonical(option);
  }
}
