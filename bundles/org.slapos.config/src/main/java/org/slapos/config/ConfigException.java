package org.slapos.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A problem with a SlapOS configuration file: the file is missing, cannot be read or parsed, a
 * value cannot be interpolated, a required option is absent, or a value has the wrong type.
 *
 * <p>The message is always one line and names the file, the line number when it is known, the
 * section and the key, for example {@code /etc/opt/slapos/slapos.cfg:12: [slapos] master_url: bad
 * interpolation: missing key 'foo'}. Messages for a missing or unparsable file start exactly like
 * the Python originals: {@code Configuration file does not exist: PATH} and {@code Cannot parse
 * configuration file: PATH}.
 *
 * <p>This exception is unchecked on purpose. As in Python's {@code configparser}, interpolation is
 * done when a value is read, so every getter of {@link SlaposConfig} may fail; a checked exception
 * on each of them would only add noise. Callers at an edge (command line, Gogo, DS activation)
 * catch it and turn it into an exit code or a failed activation; {@link #reason()} tells them what
 * went wrong without parsing the message.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The configuration file does not exist. */
        FILE_NOT_FOUND,
        /** The file exists but cannot be read (permissions, a directory, invalid UTF-8). */
        UNREADABLE,
        /** The file content is not valid {@code configparser} syntax. */
        SYNTAX,
        /** A {@code %(name)s} or {@code %} in a value cannot be interpolated. */
        INTERPOLATION,
        /** A section that is required is absent. */
        MISSING_SECTION,
        /** An option that is required is absent. */
        MISSING_OPTION,
        /** A value cannot be converted to the requested type or is otherwise invalid. */
        INVALID_VALUE
    }

    private final Reason reason;
    private final String sourceName;
    private final int line;
    private final String section;
    private final String key;

    ConfigException(Reason reason, String message, String sourceName, int line, String section,
            String key, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.sourceName = sourceName;
        this.line = line;
        this.section = section;
        this.key = key;
    }

    /** @return the kind of problem */
    public Reason reason() {
        return reason;
    }

    /** @return the file path or source name the problem is about */
    public String sourceName() {
        return sourceName;
    }

    /** @return the 1-based line number, when known */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    /** @return the section, when the problem is about one */
    public Optional<String> section() {
        return Optional.ofNullable(section);
    }

    /** @return the (lower-cased) option name, when the problem is about one */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
