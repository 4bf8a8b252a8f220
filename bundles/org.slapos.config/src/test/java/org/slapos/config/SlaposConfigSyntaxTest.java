package org.slapos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Reading rules of Python 3 ConfigParser(); expected values were checked against CPython 3.11. */
class SlaposConfigSyntaxTest {

    private static SlaposConfig parse(String text) {
        return SlaposConfig.parse(text, "test.cfg");
    }

    private static ConfigException parseError(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    @Test
    void defaultKeysAreVisibleInEverySectionAndCanBeOverridden() {
        SlaposConfig cfg = parse("[DEFAULT]\nshared = d\nover = d\n[a]\nover = a\n[b]\n");
        assertEquals(List.of("a", "b"), cfg.sections());
        assertEquals(Optional.of("d"), cfg.get("a", "shared"));
        assertEquals(Optional.of("a"), cfg.get("a", "over"));
        assertEquals(Optional.of("d"), cfg.get("b", "over"));
        assertEquals(Optional.of("d"), cfg.get("DEFAULT", "over"));
        assertEquals(List.of("over", "shared"), cfg.options("a"));
        assertEquals(Map.of("shared", "d", "over", "a"), cfg.section("a"));
        assertEquals(List.of("shared", "over"), List.copyOf(cfg.section("a").keySet()));
        assertEquals(Map.of("shared", "d", "over", "d"), cfg.section("DEFAULT"));
        assertTrue(cfg.hasOption("b", "SHARED"));
        assertEquals(Map.of("shared", "d", "over", "d"), cfg.section("b"));
    }

    @Test
    void defaultSectionMayBeOpenedTwiceButNotRepeatAnOption() {
        SlaposConfig cfg = parse("[DEFAULT]\nx=1\n[s]\n[DEFAULT]\ny=2\n");
        assertEquals(Optional.of("2"), cfg.get("s", "y"));
        ConfigException e = parseError("[DEFAULT]\nx=1\n[DEFAULT]\nX=2\n");
        assertEquals("Cannot parse configuration file: test.cfg:4: [DEFAULT] x: duplicate option"
                + " (already defined at line 2)", e.getMessage());
    }

    @Test
    void optionNamesAreCaseInsensitiveSectionNamesAreNot() {
        SlaposConfig cfg = parse("[Slapos]\nComputer_ID = COMP-1\n");
        assertEquals(Optional.of("COMP-1"), cfg.get("Slapos", "computer_id"));
        assertEquals(Optional.of("COMP-1"), cfg.get("Slapos", "COMPUTER_ID"));
        assertEquals(List.of("computer_id"), cfg.options("Slapos"));
        assertFalse(cfg.hasSection("slapos"));
        assertEquals(Optional.empty(), cfg.get("slapos", "computer_id"));
        assertTrue(cfg.options("slapos").isEmpty());
    }

    @Test
    void delimitersAndWhitespace() {
        SlaposConfig cfg = parse("[s]\na=1\nb : 2\nc   =   3  \nd: x = y\ne = x: y\nf =\ng:\n\th\t=\t4\n");
        assertEquals(Optional.of("1"), cfg.get("s", "a"));
        assertEquals(Optional.of("2"), cfg.get("s", "b"));
        assertEquals(Optional.of("3"), cfg.get("s", "c"));
        assertEquals(Optional.of("x = y"), cfg.get("s", "d"));
        assertEquals(Optional.of("x: y"), cfg.get("s", "e"));
        assertEquals(Optional.of(""), cfg.get("s", "f"));
        assertEquals(Optional.of("\nh\t=\t4"), cfg.get("s", "g"));
    }

    @Test
    void optionNameMayContainSpaces() {
        SlaposConfig cfg = parse("[s]\nmy key = v\n");
        assertEquals(Optional.of("v"), cfg.get("s", "My Key"));
    }

    @Test
    void fullLineCommentsOnlyNoInlineComments() {
        SlaposConfig cfg = parse("# top\n; top\n[s]\n  # indented comment\na = b # not a comment\n"
                + "c = d ; nor this\n;e = f\n");
        assertEquals(List.of("a", "c"), cfg.options("s"));
        assertEquals(Optional.of("b # not a comment"), cfg.get("s", "a"));
        assertEquals(Optional.of("d ; nor this"), cfg.get("s", "c"));
    }

    @Test
    void continuationLinesKeepNewlinesAndDropIndentation() {
        SlaposConfig cfg = parse("[s]\nk =\n  a\n  b\nnext = 1\n");
        assertEquals(Optional.of("\na\nb"), cfg.get("s", "k"));
        assertEquals(Optional.of("1"), cfg.get("s", "next"));
        cfg = parse("[s]\nk = first\n\tsecond\n        third\n");
        assertEquals(Optional.of("first\nsecond\nthird"), cfg.get("s", "k"));
    }

    @Test
    void emptyLinesInsideValuesAreKeptTrailingOnesDropped() {
        SlaposConfig cfg = parse("[s]\na = x\n  b\n\n  # c\n  c\n\n\n[t]\n");
        assertEquals(Optional.of("x\nb\n\nc"), cfg.get("s", "a"));
        cfg = parse("[u]\nx=\n  \n  y\n");
        assertEquals(Optional.of("\n\ny"), cfg.get("u", "x"));
        cfg = parse("[s]\nk = v\n\n\n");
        assertEquals(Optional.of("v"), cfg.get("s", "k"));
    }

    @Test
    void indentationIsRelativeToTheOptionLine() {
        SlaposConfig cfg = parse("[s]\n  a = 1\n  b = 2\n    c\n");
        assertEquals(Optional.of("1"), cfg.get("s", "a"));
        assertEquals(Optional.of("2\nc"), cfg.get("s", "b"));
        // an indented line after an option is a continuation even if it looks like a header
        cfg = parse("[s]\na=1\n\t[t]\n");
        assertEquals(Optional.of("1\n[t]"), cfg.get("s", "a"));
        assertEquals(List.of("s"), cfg.sections());
        // an indented header starts a section
        cfg = parse("  [s]\n a=1\n");
        assertEquals(Optional.of("1"), cfg.get("s", "a"));
    }

    @Test
    void sectionHeaderIsEverythingUpToTheLastBracket() {
        SlaposConfig cfg = parse("[t] trailing\nk : v\n[u]]\n[ spaced ]\n");
        assertEquals(List.of("t", "u]", " spaced "), cfg.sections());
        assertEquals(Optional.of("v"), cfg.get("t", "k"));
        assertTrue(cfg.hasSection("u]"));
    }

    @Test
    void headerResetsTheCurrentOption() {
        SlaposConfig cfg = parse("[s]\na = 1\n[t]\n\n  not a continuation = 2\n");
        assertEquals(Optional.of("1"), cfg.get("s", "a"));
        assertEquals(Optional.of("2"), cfg.get("t", "not a continuation"));
    }

    @Test
    void windowsAndOldMacLineEndingsAndByteOrderMark() {
        SlaposConfig cfg = parse("\uFEFF[s]\r\na = 1\r\nb =\r\n  x\r\n  y\r\n[t]\rc = 2\r");
        assertEquals(Optional.of("1"), cfg.get("s", "a"));
        assertEquals(Optional.of("\nx\ny"), cfg.get("s", "b"));
        assertEquals(Optional.of("2"), cfg.get("t", "c"));
    }

    @Test
    void emptyContentHasNoSections() {
        assertEquals(List.of(), parse("").sections());
        assertEquals(List.of(), parse("# only a comment\n\n").sections());
    }

    @Test
    void duplicateSectionIsAnError() {
        ConfigException e = parseError("[s]\na=1\n[s]\n");
        assertEquals("Cannot parse configuration file: test.cfg:3: duplicate section [s]"
                + " (already defined at line 1)", e.getMessage());
        assertEquals(ConfigException.Reason.SYNTAX, e.reason());
        assertEquals(3, e.line().getAsInt());
        assertEquals(Optional.of("s"), e.section());
    }

    @Test
    void duplicateOptionIsAnErrorEvenWithDifferentCase() {
        ConfigException e = parseError("[slapos]\ncomputer_id = a\nmaster_url = b\nCOMPUTER_ID = c\n");
        assertEquals("Cannot parse configuration file: test.cfg:4: [slapos] computer_id:"
                + " duplicate option (already defined at line 2)", e.getMessage());
        assertEquals(Optional.of("slapos"), e.section());
        assertEquals(Optional.of("computer_id"), e.key());
        // the same key in two sections is fine
        SlaposConfig cfg = parse("[a]\nk=1\n[b]\nk=2\n");
        assertEquals(Optional.of("2"), cfg.get("b", "k"));
    }

    @Test
    void lineBeforeAnySectionIsAnError() {
        ConfigException e = parseError("# comment\n\nmaster_url = http://x\n[slapos]\n");
        assertEquals("Cannot parse configuration file: test.cfg:3: missing section header before"
                + " 'master_url = http://x'", e.getMessage());
        assertEquals(ConfigException.Reason.SYNTAX, e.reason());
        e = parseError("[]\n");
        assertEquals("Cannot parse configuration file: test.cfg:1: missing section header before '[]'",
                e.getMessage());
    }

    @Test
    void optionWithoutValueIsAnError() {
        ConfigException e = parseError("[s]\na = 1\nfoo\n");
        assertEquals("Cannot parse configuration file: test.cfg:3: option without value: 'foo'",
                e.getMessage());
        assertEquals(3, e.line().getAsInt());
        assertEquals("test.cfg", e.sourceName());
    }

    @Test
    void optionWithoutNameIsAnError() {
        ConfigException e = parseError("[s]\n = x\n");
        assertEquals("Cannot parse configuration file: test.cfg:2: option without name: '= x'",
                e.getMessage());
    }

    @Test
    void errorMessagesStayOnOneLine() {
        ConfigException e = parseError("[s]\na\tb\n");
        assertEquals("Cannot parse configuration file: test.cfg:2: option without value: 'a\\tb'",
                e.getMessage());
        String longLine = "x".repeat(300);
        e = parseError("[s]\n" + longLine + "\n");
        assertFalse(e.getMessage().contains(longLine));
        assertTrue(e.getMessage().endsWith("...'"));
    }

    @Test
    void missingSectionMapIsAnError() {
        SlaposConfig cfg = parse("[s]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> cfg.section("networkcache"));
        assertEquals("test.cfg: [networkcache]: missing section", e.getMessage());
        assertEquals(ConfigException.Reason.MISSING_SECTION, e.reason());
        assertEquals(Map.of(), cfg.section("s"));
    }

    @Test
    void requireNamesFileSectionAndKey() {
        SlaposConfig cfg = parse("[slapos]\nmaster_url = http://x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> cfg.require("slapos", "Computer_ID"));
        assertEquals("test.cfg: [slapos] computer_id: missing option", e.getMessage());
        assertEquals(ConfigException.Reason.MISSING_OPTION, e.reason());
        assertTrue(e.line().isEmpty());
        e = assertThrows(ConfigException.class, () -> cfg.require("slapformat", "partition_amount"));
        assertEquals("test.cfg: [slapformat] partition_amount: missing option: no section [slapformat]",
                e.getMessage());
        assertEquals(ConfigException.Reason.MISSING_SECTION, e.reason());
    }

    @Test
    void getWithFallback() {
        SlaposConfig cfg = parse("[s]\na = 1\n");
        assertEquals("1", cfg.get("s", "a", "x"));
        assertEquals("x", cfg.get("s", "b", "x"));
        assertEquals("x", cfg.get("nope", "a", "x"));
    }

    @Test
    void returnedCollectionsAreImmutable() {
        SlaposConfig cfg = parse("[s]\na = 1\n");
        assertThrows(UnsupportedOperationException.class, () -> cfg.sections().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> cfg.section("s").put("b", "2"));
        assertThrows(UnsupportedOperationException.class, () -> cfg.options("s").clear());
    }
}
