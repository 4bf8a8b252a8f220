package org.slapos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TypedGetterTest {

    private static SlaposConfig one(String value) {
        return SlaposConfig.parse("[slapos]\n\n\n\n\nkey = " + value + "\n", "/x/slapos.cfg");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "yes", "true", "on", "YES", "True", "On"})
    void getBooleanTrue(String value) {
        assertEquals(Optional.of(true), one(value).getBoolean("slapos", "key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "no", "false", "off", "NO", "False", "OFF"})
    void getBooleanFalse(String value) {
        assertEquals(Optional.of(false), one(value).getBoolean("slapos", "key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "y", "enabled", "truee"})
    void getBooleanRejectsOtherValues(String value) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> one(value).getBoolean("slapos", "KEY"));
        assertEquals("/x/slapos.cfg:6: [slapos] key: not a boolean: '" + value + "'", e.getMessage());
        assertEquals(ConfigException.Reason.INVALID_VALUE, e.reason());
    }

    @Test
    void getBooleanAbsentAndFallback() {
        SlaposConfig cfg = one("on");
        assertEquals(Optional.empty(), cfg.getBoolean("slapos", "other"));
        assertTrue(cfg.getBoolean("slapos", "other", true));
        assertTrue(cfg.getBoolean("slapos", "key", false));
        assertEquals(Optional.empty(), cfg.getBoolean("missing", "key"));
    }

    @Test
    void getBooleanUsesTheInterpolatedValue() {
        SlaposConfig cfg = SlaposConfig.parse("[DEFAULT]\nflag = yes\n[s]\nk = %(flag)s\n", "c");
        assertEquals(Optional.of(true), cfg.getBoolean("s", "k"));
    }

    @Test
    void strictBooleanAcceptsOnlyTrueAndFalse() {
        assertEquals(Optional.of(true), one("TRUE").getStrictBoolean("slapos", "key"));
        assertEquals(Optional.of(false), one("false").getStrictBoolean("slapos", "key"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> one("yes").getStrictBoolean("slapos", "key"));
        assertEquals("/x/slapos.cfg:6: [slapos] key: neither true nor false: 'yes'", e.getMessage());
    }

    @Test
    void getIntFollowsPythonInt() {
        assertEquals(Optional.of(42), one("42").getInt("slapos", "key"));
        assertEquals(Optional.of(-7), one("-7").getInt("slapos", "key"));
        assertEquals(Optional.of(1000), one("+1_000").getInt("slapos", "key"));
        assertEquals(Optional.of(86400), one("086400").getInt("slapos", "key"));
        assertEquals(5, one("5").getInt("slapos", "key", 9));
        assertEquals(9, one("5").getInt("slapos", "other", 9));
        assertEquals(Optional.empty(), one("5").getInt("slapos", "other"));
        assertEquals(Optional.of(10_000_000_000L), one("10000000000").getLong("slapos", "key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.5", "1000M", "0x10", "1__0", "_1", "1_", "-", "+_1", "1 0"})
    void getIntRejectsOtherValues(String value) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> one(value).getInt("slapos", "key"));
        assertEquals("/x/slapos.cfg:6: [slapos] key: not an integer: '" + value + "'", e.getMessage());
    }

    @Test
    void getIntRejectsOutOfRange() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> one("2147483648").getInt("slapos", "key"));
        assertEquals("/x/slapos.cfg:6: [slapos] key: integer out of range: '2147483648'", e.getMessage());
        assertEquals(Optional.of(Integer.MIN_VALUE), one("-2147483648").getInt("slapos", "key"));
        assertEquals(Optional.of(Long.MAX_VALUE), one("9223372036854775807").getLong("slapos", "key"));
        assertThrows(ConfigException.class, () -> one("9223372036854775808").getLong("slapos", "key"));
    }

    @Test
    void getListSplitsStripsAndDropsBlankLines() {
        SlaposConfig cfg = SlaposConfig.parse("[s]\nl =\n  a\n\n  b  c \n  \n\n  d\none = x\n", "c");
        assertEquals(List.of("a", "b  c", "d"), cfg.getList("s", "l"));
        assertEquals(List.of("x"), cfg.getList("s", "one"));
        assertEquals(List.of(), cfg.getList("s", "none"));
        assertEquals(List.of(), one("").getList("slapos", "key"));
    }

    @Test
    void getPathExpandsTilde() {
        Path home = Path.of("/home/slapos");
        assertEquals(Optional.of(Path.of("/home/slapos/.slapos/key")),
                one("~/.slapos/key").getPath("slapos", "key", home));
        assertEquals(Optional.of(Path.of("/etc/x")), one("/etc/x").getPath("slapos", "key", home));
        assertEquals(Optional.of(Path.of("relative/x")), one("relative/x").getPath("slapos", "key", home));
        assertEquals(Optional.empty(), one("").getPath("slapos", "key", home));
        assertEquals(Optional.empty(), one("x").getPath("slapos", "other", home));
    }

    @Test
    void invalidBuildsConsistentMessages() {
        SlaposConfig cfg = one("-3");
        ConfigException e = cfg.invalid("slapos", "Key", "must be positive");
        assertEquals("/x/slapos.cfg:6: [slapos] key: must be positive", e.getMessage());
        assertEquals(ConfigException.Reason.INVALID_VALUE, e.reason());
        assertEquals("/x/slapos.cfg: [slapos] absent: is required for https",
                cfg.invalid("slapos", "absent", "is required for https").getMessage());
        assertEquals("/x/slapos.cfg: [firewall]: is incomplete",
                cfg.invalid("firewall", null, "is incomplete").getMessage());
        assertFalse(e.line().isEmpty());
    }
}
