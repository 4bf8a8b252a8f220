package org.slapos.tio.impl;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.TioException;

/**
 * Writes TIO text: the journal of node-behavior §6.3, byte for byte (no whitespace between
 * elements), and the partition consumption document a contribution is checked as.
 * <p>One deliberate deviation: the original copies element text "as is", so a partition report
 * holding {@code &amp;} or {@code &lt;} gives a journal that is not well-formed and is refused.
 * Here text is escaped ({@code & < >}, and carriage return as a character reference so that it
 * survives parsing), so the journal always says what the partition reported.
 */
final class JournalWriter {
  /** The original's {@code time.strftime("%Y-%m-%d at %H:%M:%S")}. */
  static final DateTimeFormatter STOP_DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd 'at' HH:mm:ss", Locale.ROOT);
  /** What the original writes for an element without text (Python's {@code str(None)}). */
  static final String NO_TEXT = "None";
  /**
   * Element names a movement may carry. Stricter than XML's Name production on purpose: every TIO
   * name is ASCII, and a name is written unescaped, so nothing else may get through.
   */
  private static final Pattern ELEMENT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  /** A movement as it goes into the journal: its {@code reference} element gets this text. */
  record Entry(String reference, Movement movement) {
  }

  private JournalWriter() {
  }

  /** The journal holding {@code entries} (at least one: the schema wants a movement). */
  static String journal(String computerId, LocalDateTime stopDate, List<Entry> entries) throws TioException {
    StringBuilder xml = new StringBuilder(512 + 256 * entries.size());
    xml.append("<?xml version=\"1.0\"?>")
        .append("<journal>")
        .append("<transaction type=\"Sale Packing List\">")
        .append("<title>Resource consumptions</title>")
        .append("<start_date></start_date>")
        .append("<stop_date>").append(STOP_DATE.format(stopDate)).append("</stop_date>")
        .append("<reference>").append(escape("reference", computerId)).append("</reference>")
        .append("<currency></currency>")
        .append("<payment_mode></payment_mode>")
        .append("<category></category>")
        .append("<arrow type=\"Administration\">")
        .append("<source></source>")
        .append("<destination></destination>")
        .append("</arrow>");
    for (Entry entry : entries) {
      appendMovement(xml, entry.reference(), entry.movement());
    }
    return xml.append("</transaction></journal>").toString();
  }

  /** A partition consumption document of {@code movements} with their references set to {@code reference}. */
  static String consumption(String reference, List<Movement> movements) throws TioException {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><consumption>");
    for (Movement movement : movements) {
      appendMovement(xml, reference, movement);
    }
    return xml.append("</consumption>").toString();
  }

  private static void appendMovement(StringBuilder xml, String reference, Movement movement) throws TioException {
    xml.append("<movement>");
    for (Map.Entry<String, String> element : movement.elements()) {
      String name = element.getKey();
      if (name == null || !ELEMENT_NAME.matcher(name).matches()) {
        throw new TioException("A movement element name is not a plain XML name: '" + name + "'");
      }
      // The original replaces the reference with the partition's id; it adds none when there is none.
      String text = "reference".equals(name) ? reference : element.getValue();
      if (text == null || text.isEmpty()) {
        text = NO_TEXT;
      }
      xml.append('<').append(name).append('>').append(escape(name, text)).append("</").append(name).append('>');
    }
    xml.append("</movement>");
  }

  /**
   * {@code text} as XML character data.
   *
   * @throws TioException when it holds a character XML 1.0 cannot carry at all (most control characters)
   */
  static String escape(String element, String text) throws TioException {
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '\r' -> escaped.append("&#13;");
        default -> {
          if (!allowedInXml(c)) {
            throw new TioException(String.format(Locale.ROOT,
                "The text of element %s holds character U+%04X, which XML 1.0 cannot carry", element, c));
          }
          escaped.appendCodePoint(c);
        }
      }
      i += Character.charCount(c);
    }
    return escaped.toString();
  }

  /** XML 1.0's Char production (a lone surrogate is a code point in the surrogate range: refused). */
  private static boolean allowedInXml(int c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0x10FFFF);
  }
}
