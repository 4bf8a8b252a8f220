package org.slapos.config;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An immutable, parsed {@code slapos.cfg} or {@code slapos-client.cfg}, read with the semantics of
 * Python 3 {@code configparser.ConfigParser()} with default settings (what SlapOS uses).
 *
 * <h2>Syntax</h2>
 * <ul>
 * <li>Sections are {@code [name]} lines; section names are case-sensitive. Everything between the
 * first {@code [} and the last {@code ]} of the line is the name, as in Python.</li>
 * <li>The {@value #DEFAULT_SECTION} section is not listed by {@link #sections()}; its options are
 * visible in every section, and a section's own option wins over the default one.</li>
 * <li>Option lines are {@code key = value} or {@code key: value}, split at the first {@code =} or
 * {@code :}. Whitespace around key and value is stripped and keys are lower-cased, so every key
 * lookup is case-insensitive.</li>
 * <li>Lines whose first non-blank character is {@code #} or {@code ;} are comments. There are no
 * inline comments: {@code a = b # c} has the value {@code "b # c"}.</li>
 * <li>A line indented deeper than its option line continues the value. The value keeps the line
 * breaks and drops the indentation ({@code "k =\n  a\n  b"} gives {@code "\na\nb"}); empty lines
 * inside a value are kept and trailing ones are dropped.</li>
 * <li>Errors: a line before the first section header, an option line without {@code =} or
 * {@code :}, an empty option name, a duplicate section and a duplicate option in one section (the
 * {@code DEFAULT} section may be opened twice, but its options may not repeat).</li>
 * </ul>
 *
 * <h2>Interpolation</h2>
 * <p>{@link #get} and the typed getters apply Python's {@code BasicInterpolation} when the value is
 * read: {@code %(name)s} is replaced by the raw value of {@code name} (lower-cased) in the same
 * section, else in {@code DEFAULT}, recursively up to {@value #MAX_INTERPOLATION_DEPTH} levels;
 * {@code %%} gives {@code %}; any other {@code %} is an error. Errors are raised by the getter that
 * reads the value, never at parse time, exactly as in Python. {@link #getRaw} and
 * {@link #rawSection} return values without interpolation.
 *
 * <p>Instances are immutable and thread-safe. Every failure is a {@link ConfigException} with a
 * one-line message naming the file, line, section and key.
 */
public final class SlaposConfig {

    /** Name of the section whose options are visible in every section. */
    public static final String DEFAULT_SECTION = "DEFAULT";

    /** Maximum nesting of {@code %(name)s} references, as Python's MAX_INTERPOLATION_DEPTH. */
    public static final int MAX_INTERPOLATION_DEPTH = 10;

    static final String DOES_NOT_EXIST = "Configuration file does not exist: ";
    static final String CANNOT_PARSE = "Cannot parse configuration file: ";

    /** A raw value and the line of its option line. */
    record Entry(String value, int line) {
    }

    private final Path source;
    private final String sourceName;
    private final Map<String, Map<String, Entry>> sections;
    private final Map<String, Entry> defaults;

    private SlaposConfig(Path source, String sourceName, IniParser.Result parsed) {
        this.source = source;
        this.sourceName = sourceName;
        this.sections = parsed.sections();
        this.defaults = parsed.defaults();
    }

    /**
     * Reads and parses a configuration file (UTF-8).
     *
     * @param file the file; it is used as given (no {@code ~} expansion, see
     *            {@link ConfigLocator#expandUser})
     * @return the parsed configuration
     * @throws ConfigException {@link ConfigException.Reason#FILE_NOT_FOUND} with the message
     *             {@code Configuration file does not exist: PATH};
     *             {@link ConfigException.Reason#UNREADABLE} or
     *             {@link ConfigException.Reason#SYNTAX} with a message starting with
     *             {@code Cannot parse configuration file: PATH}
     */
    public static SlaposConfig parse(Path file) {
        Objects.requireNonNull(file, "file");
        String name = file.toString();
        if (!Files.exists(file)) {
            throw notFound(name, null);
        }
        if (Files.isDirectory(file)) {
            throw unreadable(name, "is a directory", null);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw notFound(name, e);
        } catch (AccessDeniedException e) {
            throw unreadable(name, "permission denied", e);
        } catch (IOException e) {
            throw unreadable(name, e.getMessage() != null ? e.getMessage() : e.toString(), e);
        }
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw unreadable(name, "not valid UTF-8", e);
        }
        return new SlaposConfig(file, name, IniParser.parse(content, name));
    }

    /**
     * Parses configuration text.
     *
     * @param content the text of a configuration file
     * @param sourceName the name used in error messages and as {@link #source()}, normally the
     *            path the text came from
     * @return the parsed configuration
     * @throws ConfigException {@link ConfigException.Reason#SYNTAX} with a message starting with
     *             {@code Cannot parse configuration file: SOURCENAME}
     */
    public static SlaposConfig parse(String content, String sourceName) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sourceName, "sourceName");
        Path path;
        try {
            path = Path.of(sourceName);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("sourceName is not a valid path: " + sourceName, e);
        }
        return new SlaposConfig(path, sourceName, IniParser.parse(content, sourceName));
    }

    private static ConfigException notFound(String name, Throwable cause) {
        return new ConfigException(ConfigException.Reason.FILE_NOT_FOUND, DOES_NOT_EXIST + name,
                name, 0, null, null, cause);
    }

    private static ConfigException unreadable(String name, String why, Throwable cause) {
        return new ConfigException(ConfigException.Reason.UNREADABLE,
                CANNOT_PARSE + name + ": " + why, name, 0, null, null, cause);
    }

    /** @return the file this configuration was read from (for text, the path named by its source name) */
    public Path source() {
        return source;
    }

    /** @return the file name as used in error messages */
    public String sourceName() {
        return sourceName;
    }

    /** @return the section names in file order, without {@value #DEFAULT_SECTION} */
    public List<String> sections() {
        return List.copyOf(sections.keySet());
    }

    /**
     * @param section a section name (case-sensitive)
     * @return whether the file has this section; always false for {@value #DEFAULT_SECTION}, as in
     *         Python
     */
    public boolean hasSection(String section) {
        return sections.containsKey(section);
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return whether the option is set in the section or in {@value #DEFAULT_SECTION}
     */
    public boolean hasOption(String section, String key) {
        return lookup(section, Text.lower(key)) != null;
    }

    /**
     * The option names visible in a section: its own options in file order, then the
     * {@value #DEFAULT_SECTION} options it does not override.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @return the lower-cased option names; empty for an unknown section
     */
    public List<String> options(String section) {
        Map<String, Entry> own = own(section);
        if (own == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(own.keySet());
        if (own != defaults) {
            for (String name : defaults.keySet()) {
                if (!own.containsKey(name)) {
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the interpolated value; empty if the section or the option is absent
     * @throws ConfigException {@link ConfigException.Reason#INTERPOLATION} when the value cannot be
     *             interpolated
     */
    public Optional<String> get(String section, String key) {
        String name = Text.lower(key);
        Entry entry = lookup(section, name);
        return entry == null ? Optional.empty()
                : Optional.of(interpolate(section, name, entry));
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @param fallback the value to return when the option is absent
     * @return the interpolated value, or {@code fallback}
     * @throws ConfigException when the value cannot be interpolated
     */
    public String get(String section, String key, String fallback) {
        return get(section, key).orElse(fallback);
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the interpolated value
     * @throws ConfigException {@link ConfigException.Reason#MISSING_SECTION} or
     *             {@link ConfigException.Reason#MISSING_OPTION} when absent, with a message naming
     *             the file, section and key; {@link ConfigException.Reason#INTERPOLATION} when the
     *             value cannot be interpolated
     */
    public String require(String section, String key) {
        String name = Text.lower(key);
        if (own(section) == null) {
            throw new ConfigException(ConfigException.Reason.MISSING_SECTION,
                    where(0, section, name) + "missing option: no section [" + section + "]",
                    sourceName, 0, section, name, null);
        }
        Entry entry = lookup(section, name);
        if (entry == null) {
            throw new ConfigException(ConfigException.Reason.MISSING_OPTION,
                    where(0, section, name) + "missing option", sourceName, 0, section, name, null);
        }
        return interpolate(section, name, entry);
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the value without interpolation; empty if the section or the option is absent
     */
    public Optional<String> getRaw(String section, String key) {
        Entry entry = lookup(section, Text.lower(key));
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the line number of the option line that sets the value (which may be in
     *         {@value #DEFAULT_SECTION}); empty if absent
     */
    public OptionalInt lineOf(String section, String key) {
        Entry entry = lookup(section, Text.lower(key));
        return entry == null ? OptionalInt.empty() : OptionalInt.of(entry.line());
    }

    /**
     * All options of a section with interpolated values, in the order of Python's
     * {@code items(section)}: the {@value #DEFAULT_SECTION} options first (in their order, with the
     * section's value where the section overrides one), then the section's other options in file
     * order.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @return an unmodifiable map from lower-cased option name to value
     * @throws ConfigException {@link ConfigException.Reason#MISSING_SECTION} for an unknown
     *             section; {@link ConfigException.Reason#INTERPOLATION} when any value of the
     *             section cannot be interpolated (as Python, reading the section then fails)
     */
    public Map<String, String> section(String section) {
        return sectionMap(section, true);
    }

    /**
     * Like {@link #section(String)} without interpolation.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @return an unmodifiable map from lower-cased option name to raw value
     * @throws ConfigException {@link ConfigException.Reason#MISSING_SECTION} for an unknown section
     */
    public Map<String, String> rawSection(String section) {
        return sectionMap(section, false);
    }

    private Map<String, String> sectionMap(String section, boolean interpolate) {
        if (own(section) == null) {
            throw new ConfigException(ConfigException.Reason.MISSING_SECTION,
                    where(0, section, null) + "missing section", sourceName, 0, section, null,
                    null);
        }
        // Python items(): d = defaults.copy(); d.update(section)
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : defaults.keySet()) {
            out.put(name, null);
        }
        for (String name : own(section).keySet()) {
            out.put(name, null);
        }
        for (Map.Entry<String, String> e : out.entrySet()) {
            Entry entry = lookup(section, e.getKey());
            e.setValue(interpolate ? interpolate(section, e.getKey(), entry) : entry.value());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * A multi-line value as a list, the way SlapOS reads {@code software_release_list},
     * {@code shared_part_list} or the cache blacklists: the interpolated value is split on line
     * breaks, each line is stripped and empty lines are dropped.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the lines; empty if the option is absent
     * @throws ConfigException when the value cannot be interpolated
     */
    public List<String> getList(String section, String key) {
        Optional<String> value = get(section, key);
        if (value.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        String v = value.get();
        int from = 0;
        while (from <= v.length()) {
            int nl = v.indexOf('\n', from);
            int to = nl < 0 ? v.length() : nl;
            String line = Text.strip(v.substring(from, to));
            if (!line.isEmpty()) {
                out.add(line);
            }
            from = to + 1;
        }
        return List.copyOf(out);
    }

    /**
     * A boolean with Python {@code getboolean} semantics: {@code 1}, {@code yes}, {@code true},
     * {@code on} are true; {@code 0}, {@code no}, {@code false}, {@code off} are false; case does
     * not matter; anything else (including an empty value) is an error.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the boolean; empty if the option is absent
     * @throws ConfigException {@link ConfigException.Reason#INVALID_VALUE} for another value
     */
    public Optional<Boolean> getBoolean(String section, String key) {
        return get(section, key).map(value -> {
            switch (Text.lower(value)) {
                case "1", "yes", "true", "on":
                    return Boolean.TRUE;
                case "0", "no", "false", "off":
                    return Boolean.FALSE;
                default:
                    throw invalid(section, key, "not a boolean: " + Text.quote(value));
            }
        });
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @param fallback the value when the option is absent
     * @return see {@link #getBoolean(String, String)}
     * @throws ConfigException for a value that is not a boolean
     */
    public boolean getBoolean(String section, String key, boolean fallback) {
        return getBoolean(section, key).orElse(fallback);
    }

    /**
     * A boolean with SlapOS {@code string_to_boolean} semantics, used by slapgrid for keys like
     * {@code root_check}: only {@code true} and {@code false}, case-insensitive.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the boolean; empty if the option is absent
     * @throws ConfigException {@link ConfigException.Reason#INVALID_VALUE} for another value
     */
    public Optional<Boolean> getStrictBoolean(String section, String key) {
        return get(section, key).map(value -> {
            String v = Text.lower(value);
            if (v.equals("true")) {
                return Boolean.TRUE;
            }
            if (v.equals("false")) {
                return Boolean.FALSE;
            }
            throw invalid(section, key, "neither true nor false: " + Text.quote(value));
        });
    }

    /**
     * An integer with Python {@code int()} syntax: surrounding whitespace, an optional sign, ASCII
     * digits with single {@code _} separators.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the integer; empty if the option is absent
     * @throws ConfigException {@link ConfigException.Reason#INVALID_VALUE} for another value or one
     *             out of {@code int} range
     */
    public Optional<Integer> getInt(String section, String key) {
        return getLong(section, key, Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue);
    }

    /**
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @param fallback the value when the option is absent
     * @return see {@link #getInt(String, String)}
     * @throws ConfigException for a value that is not an integer
     */
    public int getInt(String section, String key, int fallback) {
        return getInt(section, key).orElse(fallback);
    }

    /**
     * Like {@link #getInt(String, String)} with {@code long} range.
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @return the integer; empty if the option is absent
     * @throws ConfigException {@link ConfigException.Reason#INVALID_VALUE} for another value
     */
    public Optional<Long> getLong(String section, String key) {
        return getLong(section, key, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private Optional<Long> getLong(String section, String key, long min, long max) {
        return get(section, key).map(value -> {
            BigInteger parsed = parseInteger(Text.strip(value));
            if (parsed == null) {
                throw invalid(section, key, "not an integer: " + Text.quote(value));
            }
            if (parsed.compareTo(BigInteger.valueOf(min)) < 0
                    || parsed.compareTo(BigInteger.valueOf(max)) > 0) {
                throw invalid(section, key, "integer out of range: " + Text.quote(value));
            }
            return parsed.longValue();
        });
    }

    /** Python {@code int()} literal syntax in base 10, or null. */
    private static BigInteger parseInteger(String s) {
        int n = s.length();
        StringBuilder digits = new StringBuilder(n);
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            digits.append(s.charAt(i));
            i++;
        }
        boolean lastDigit = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '_' && lastDigit) {
                lastDigit = false;
            } else if (c >= '0' && c <= '9') {
                digits.append(c);
                lastDigit = true;
            } else {
                return null;
            }
        }
        return lastDigit ? new BigInteger(digits.toString()) : null;
    }

    /**
     * A path value with {@code ~} expanded against {@code home} (see
     * {@link ConfigLocator#expandUser}).
     *
     * @param section a section name, or {@value #DEFAULT_SECTION}
     * @param key an option name (case-insensitive)
     * @param home the home directory used for {@code ~}
     * @return the path; empty if the option is absent or its value is empty (an empty path is never
     *         meaningful)
     * @throws ConfigException when the value cannot be interpolated or is not a valid path
     */
    public Optional<Path> getPath(String section, String key, Path home) {
        Objects.requireNonNull(home, "home");
        Optional<String> value = get(section, key);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        String expanded = ConfigLocator.expandUser(value.get(), home);
        try {
            return Optional.of(Path.of(expanded));
        } catch (InvalidPathException e) {
            throw invalid(section, key, "not a valid path: " + Text.quote(expanded));
        }
    }

    /**
     * Builds an error about a value of this file, for callers that validate options themselves, so
     * that every configuration message has the same shape: {@code FILE:LINE: [SECTION] KEY:
     * PROBLEM}.
     *
     * @param section the section
     * @param key the option name (case-insensitive); may be null for a problem with the section
     * @param problem what is wrong, one line
     * @return an {@link ConfigException.Reason#INVALID_VALUE} exception, to be thrown by the caller
     */
    public ConfigException invalid(String section, String key, String problem) {
        String name = key == null ? null : Text.lower(key);
        Entry entry = name == null ? null : lookup(section, name);
        int line = entry == null ? 0 : entry.line();
        return new ConfigException(ConfigException.Reason.INVALID_VALUE,
                where(line, section, name) + problem, sourceName, line, section, name, null);
    }

    @Override
    public String toString() {
        return "SlaposConfig[" + sourceName + ", sections=" + sections.keySet() + "]";
    }

    // ---------------------------------------------------------------- lookup and interpolation

    /** The section's own options, the defaults for DEFAULT, or null. */
    private Map<String, Entry> own(String section) {
        if (DEFAULT_SECTION.equals(section)) {
            return defaults;
        }
        return sections.get(section);
    }

    /** Python's ChainMap(section, defaults) lookup of a lower-cased name. */
    private Entry lookup(String section, String name) {
        Map<String, Entry> own = own(section);
        if (own == null) {
            return null;
        }
        Entry entry = own.get(name);
        return entry != null ? entry : defaults.get(name);
    }

    private String interpolate(String section, String name, Entry entry) {
        String raw = entry.value();
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length() + 16);
        interpolate(section, name, entry, raw, 1, out);
        return out.toString();
    }

    /** {@code BasicInterpolation._interpolate_some}. */
    private void interpolate(String section, String name, Entry entry, String rest, int depth,
            StringBuilder out) {
        if (depth > MAX_INTERPOLATION_DEPTH) {
            throw interpolationError(section, name, entry, "recursion limit exceeded (more than "
                    + MAX_INTERPOLATION_DEPTH + " levels) in raw value " + Text.quote(entry.value()));
        }
        int n = rest.length();
        int i = 0;
        while (i < n) {
            int p = rest.indexOf('%', i);
            if (p < 0) {
                out.append(rest, i, n);
                return;
            }
            out.append(rest, i, p);
            char c = p + 1 < n ? rest.charAt(p + 1) : '\0';
            if (p + 1 < n && c == '%') {
                out.append('%');
                i = p + 2;
            } else if (p + 1 < n && c == '(') {
                int close = rest.indexOf(')', p + 2);
                if (close < 0 || close == p + 2 || close + 1 >= n || rest.charAt(close + 1) != 's') {
                    throw interpolationError(section, name, entry,
                            "bad variable reference " + Text.quote(rest.substring(p)));
                }
                String var = Text.lower(rest.substring(p + 2, close));
                i = close + 2;
                Entry referenced = lookup(section, var);
                if (referenced == null) {
                    throw interpolationError(section, name, entry,
                            "missing key " + Text.quote(var));
                }
                String v = referenced.value();
                if (v.indexOf('%') >= 0) {
                    interpolate(section, name, entry, v, depth + 1, out);
                } else {
                    out.append(v);
                }
            } else {
                throw interpolationError(section, name, entry,
                        "'%' must be followed by '%' or '(', found: " + Text.quote(rest.substring(p)));
            }
        }
    }

    private ConfigException interpolationError(String section, String name, Entry entry,
            String detail) {
        return new ConfigException(ConfigException.Reason.INTERPOLATION,
                where(entry.line(), section, name) + "bad interpolation: " + detail, sourceName,
                entry.line(), section, name, null);
    }

    /** {@code FILE[:LINE]: [SECTION][ KEY]: } */
    private String where(int line, String section, String key) {
        StringBuilder b = new StringBuilder(sourceName);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": [").append(section).append(']');
        if (key != null) {
            b.append(' ').append(key);
        }
        return b.append(": ").toString();
    }
}
