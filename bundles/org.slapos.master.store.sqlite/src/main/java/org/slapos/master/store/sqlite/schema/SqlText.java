package org.slapos.master.store.sqlite.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lexical helpers for SQL text: splitting a script into statements and
 * substituting {@code %(name)s} placeholders of the schema template, both
 * aware of string literals, quoted identifiers and comments.
 */
final class SqlText {

  private SqlText() {
  }

  private enum State { CODE, SINGLE, DOUBLE, BACKTICK, BRACKET, LINE_COMMENT, BLOCK_COMMENT }

  /**
   * Splits a script on the semicolons that end statements. Statements made of
   * comments and blanks only are dropped; the others are returned trimmed,
   * without their final semicolon. Not meant for CREATE TRIGGER bodies.
   */
  static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean hasCode = false;
    State state = State.CODE;
    int n = script.length();
    for (int i = 0; i < n; i++) {
      char ch = script.charAt(i);
      char next = i + 1 < n ? script.charAt(i + 1) : '\0';
      switch (state) {
        case CODE:
          if (ch == ';') {
            if (hasCode) {
              statements.add(current.toString().trim());
            }
            current.setLength(0);
            hasCode = false;
            continue;
          }
          if (ch == '-' && next == '-') {
            state = State.LINE_COMMENT;
          } else if (ch == '/' && next == '*') {
            state = State.BLOCK_COMMENT;
            current.append(ch).append(next);
            i++;
            continue;
          } else if (!Character.isWhitespace(ch)) {
            hasCode = true;
            state = opening(ch);
          }
          break;
        case LINE_COMMENT:
          if (ch == '\n') {
            state = State.CODE;
          }
          break;
        case BLOCK_COMMENT:
          if (ch == '*' && next == '/') {
            current.append(ch).append(next);
            i++;
            state = State.CODE;
            continue;
          }
          break;
        default:
          if (ch == closing(state)) {
            if (next == ch && state != State.BRACKET) {
              // doubled quote inside a literal or identifier
              current.append(ch).append(next);
              i++;
              continue;
            }
            state = State.CODE;
          }
          break;
      }
      current.append(ch);
    }
    if (hasCode) {
      statements.add(current.toString().trim());
    }
    return statements;
  }

  /**
   * Substitutes {@code %(name)s} placeholders. Names of {@code raw} are
   * replaced as they are, but only outside literals and comments; names of
   * {@code literal} only inside a single-quoted literal, with single quotes
   * doubled, so that any value stays one literal. Placeholders in comments are
   * left alone. An unknown name, or a name out of its allowed place, is a
   * template error.
   */
  static String substitute(String template, Map<String, String> raw, Map<String, String> literal) {
    StringBuilder out = new StringBuilder(template.length() + 64);
    State state = State.CODE;
    int n = template.length();
    for (int i = 0; i < n; i++) {
      char ch = template.charAt(i);
      char next = i + 1 < n ? template.charAt(i + 1) : '\0';
      if (ch == '%' && next == '(' && (state == State.CODE || state == State.SINGLE)) {
        int end = template.indexOf(")s", i + 2);
        if (end < 0) {
          throw new IllegalStateException("Unterminated placeholder at offset " + i);
        }
        String name = template.substring(i + 2, end);
        String value;
        if (state == State.CODE && raw.containsKey(name)) {
          value = raw.get(name);
        } else if (state == State.SINGLE && literal.containsKey(name)) {
          value = literal.get(name).replace("'", "''");
        } else if (state == State.SINGLE && raw.containsKey(name)) {
          value = raw.get(name).replace("'", "''");
        } else {
          throw new IllegalStateException("Placeholder %(" + name + ")s is unknown or not allowed "
              + (state == State.CODE ? "outside" : "inside") + " a string literal");
        }
        out.append(value);
        i = end + 1;
        continue;
      }
      switch (state) {
        case CODE:
          if (ch == '-' && next == '-') {
            state = State.LINE_COMMENT;
          } else if (ch == '/' && next == '*') {
            state = State.BLOCK_COMMENT;
            out.append(ch).append(next);
            i++;
            continue;
          } else {
            state = opening(ch);
          }
          break;
        case LINE_COMMENT:
          if (ch == '\n') {
            state = State.CODE;
          }
          break;
        case BLOCK_COMMENT:
          if (ch == '*' && next == '/') {
            out.append(ch).append(next);
            i++;
            state = State.CODE;
            continue;
          }
          break;
        default:
          if (ch == closing(state)) {
            if (next == ch && state != State.BRACKET) {
              out.append(ch).append(next);
              i++;
              continue;
            }
            state = State.CODE;
          }
          break;
      }
      out.append(ch);
    }
    if (state != State.CODE && state != State.LINE_COMMENT) {
      throw new IllegalStateException("Unterminated " + state + " in SQL template");
    }
    return out.toString();
  }

  /** SQL identifier quoting: {@code "name"} with embedded double quotes doubled. */
  static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** SQL string literal: {@code 'text'} with embedded single quotes doubled. */
  static String literal(String text) {
    return '\'' + text.replace("'", "''") + '\'';
  }

  private static State opening(char ch) {
    switch (ch) {
      case '\'':
        return State.SINGLE;
      case '"':
        return State.DOUBLE;
      case '`':
        return State.BACKTICK;
      case '[':
        return State.BRACKET;
      default:
        return State.CODE;
    }
  }

  private static char closing(State state) {
    switch (state) {
      case SINGLE:
        return '\'';
      case DOUBLE:
        return '"';
      case BACKTICK:
        return '`';
      case BRACKET:
        return ']';
      default:
        throw new IllegalArgumentException(state.name());
    }
  }
}
