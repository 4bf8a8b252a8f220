package org.slapos.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A line parser that reproduces Python 3 {@code configparser.ConfigParser()} reading with default
 * settings: delimiters {@code =} and {@code :}, full-line comment prefixes {@code #} and {@code ;},
 * no inline comments, {@code strict=True}, {@code empty_lines_in_values=True},
 * {@code allow_no_value=False}, {@code default_section='DEFAULT'} and lower-cased option names.
 *
 * <p>It mirrors {@code RawConfigParser._read} step by step, with one difference: it stops at the
 * first error instead of collecting every bad line, so the message stays on one line.
 */
final class IniParser {

    /** One option value while it is being read: continuation lines are appended. */
    private static final class Pending {
        final StringBuilder value;
        final int line;

        Pending(String first, int line) {
            this.value = new StringBuilder(first);
            this.line = line;
        }
    }

    private final String content;
    private final String sourceName;
    private final Map<String, Map<String, Pending>> sections = new LinkedHashMap<>();
    private final Map<String, Pending> defaults = new LinkedHashMap<>();
    private final Map<String, Integer> sectionLines = new LinkedHashMap<>();

    private IniParser(String content, String sourceName) {
        this.content = content;
        this.sourceName = sourceName;
    }

    /** Parsed content: sections in file order (without DEFAULT) and the DEFAULT section. */
    record Result(Map<String, Map<String, SlaposConfig.Entry>> sections,
            Map<String, SlaposConfig.Entry> defaults) {
    }

    static Result parse(String content, String sourceName) {
        return new IniParser(content, sourceName).run();
    }

    private Result run() {
        String text = content;
        int length = text.length();
        int pos = 0;
        if (length > 0 && text.charAt(0) == '\uFEFF') {
            pos = 1; // a UTF-8 byte order mark is not part of the first line
        }
        String sectionName = null;
        Map<String, Pending> current = null;
        Pending option = null;
        int indentLevel = 0;
        int lineNo = 0;
        while (pos < length) {
            int eol = pos;
            while (eol < length) {
                char c = text.charAt(eol);
                if (c == '\n' || c == '\r') {
                    break;
                }
                eol++;
            }
            int next = eol;
            if (next < length) {
                next += text.charAt(next) == '\r' && next + 1 < length
                        && text.charAt(next + 1) == '\n' ? 2 : 1;
            }
            lineNo++;
            int start = Text.skipSpace(text, pos, eol);
            int end = Text.trimEnd(text, start, eol);
            int lineStart = pos;
            pos = next;

            boolean comment = start < end && (text.charAt(start) == '#' || text.charAt(start) == ';');
            if (start == end || comment) {
                // empty lines belong to the current value; comment lines are skipped
                if (!comment && option != null) {
                    option.value.append('\n');
                }
                continue;
            }
            int indent = start - lineStart;
            if (current != null && option != null && indent > indentLevel) {
                option.value.append('\n').append(text, start, end);
                continue;
            }
            indentLevel = indent;
            int close = lastIndexOf(text, ']', start, end);
            if (text.charAt(start) == '[' && close >= start + 2) {
                sectionName = text.substring(start + 1, close);
                if (SlaposConfig.DEFAULT_SECTION.equals(sectionName)) {
                    current = defaults;
                } else if (sections.containsKey(sectionName)) {
                    throw syntax(lineNo, sectionName, null, "duplicate section [" + sectionName
                            + "] (already defined at line " + sectionLines.get(sectionName) + ")");
                } else {
                    current = new LinkedHashMap<>();
                    sections.put(sectionName, current);
                    sectionLines.put(sectionName, lineNo);
                }
                option = null;
                continue;
            }
            if (current == null) {
                throw syntax(lineNo, "missing section header before "
                        + Text.quote(text.substring(start, end)));
            }
            int delimiter = -1;
            for (int i = start; i < end; i++) {
                char c = text.charAt(i);
                if (c == '=' || c == ':') {
                    delimiter = i;
                    break;
                }
            }
            if (delimiter < 0) {
                throw syntax(lineNo, sectionName, null,
                        "option without value: " + Text.quote(text.substring(start, end)));
            }
            int nameEnd = Text.trimEnd(text, start, delimiter);
            if (nameEnd == start) {
                throw syntax(lineNo, sectionName, null,
                        "option without name: " + Text.quote(text.substring(start, end)));
            }
            String name = Text.lower(text.substring(start, nameEnd));
            Pending previous = current.get(name);
            if (previous != null) {
                throw syntax(lineNo, sectionName, name, "[" + sectionName + "] " + name
                        + ": duplicate option (already defined at line " + previous.line + ")");
            }
            int valueStart = Text.skipSpace(text, delimiter + 1, end);
            option = new Pending(text.substring(valueStart, end), lineNo);
            current.put(name, option);
        }
        return new Result(freezeSections(), freeze(defaults));
    }

    private static int lastIndexOf(String s, char c, int from, int end) {
        for (int i = end - 1; i >= from; i--) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private Map<String, Map<String, SlaposConfig.Entry>> freezeSections() {
        Map<String, Map<String, SlaposConfig.Entry>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Pending>> e : sections.entrySet()) {
            out.put(e.getKey(), freeze(e.getValue()));
        }
        return out;
    }

    /** Joins each value like {@code _join_multiline_values}: trailing whitespace is dropped. */
    private static Map<String, SlaposConfig.Entry> freeze(Map<String, Pending> options) {
        Map<String, SlaposConfig.Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Pending> e : options.entrySet()) {
            StringBuilder value = e.getValue().value;
            int end = Text.trimEnd(value, 0, value.length());
            out.put(e.getKey(), new SlaposConfig.Entry(value.substring(0, end), e.getValue().line));
        }
        return out;
    }

    private ConfigException syntax(int line, String detail) {
        return syntax(line, null, null, detail);
    }

    private ConfigException syntax(int line, String section, String key, String detail) {
        return new ConfigException(ConfigException.Reason.SYNTAX,
                SlaposConfig.CANNOT_PARSE + sourceName + ":" + line + ": " + detail,
                sourceName, line, section, key, null);
    }
}
