package org.slapos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** BasicInterpolation; expected values and failures were checked against CPython 3.11. */
class InterpolationTest {

    private static SlaposConfig parse(String text) {
        return SlaposConfig.parse(text, "/etc/opt/slapos/slapos.cfg");
    }

    private static ConfigException getError(SlaposConfig cfg, String section, String key) {
        return assertThrows(ConfigException.class, () -> cfg.get(section, key));
    }

    @Test
    void referencesTheSameSectionThenDefault() {
        SlaposConfig cfg = parse("[DEFAULT]\nroot = /srv\nname = d\n[s]\nname = s\n"
                + "path = %(root)s/%(name)s\n[t]\npath = %(root)s/%(name)s\n");
        assertEquals(Optional.of("/srv/s"), cfg.get("s", "path"));
        assertEquals(Optional.of("/srv/d"), cfg.get("t", "path"));
        assertEquals(Optional.of("%(root)s/%(name)s"), cfg.getRaw("s", "path"));
    }

    @Test
    void defaultValuesAreInterpolatedInTheRequestingSection() {
        SlaposConfig cfg = parse("[DEFAULT]\nlog = %(dir)s/x.log\ndir = /d\n[s]\ndir = /s\n");
        assertEquals(Optional.of("/s/x.log"), cfg.get("s", "log"));
        assertEquals(Optional.of("/d/x.log"), cfg.get("DEFAULT", "log"));
    }

    @Test
    void referenceNamesAreCaseInsensitive() {
        SlaposConfig cfg = parse("[s]\na = %(B)s\nb = 1\n");
        assertEquals(Optional.of("1"), cfg.get("s", "a"));
    }

    @Test
    void doublePercentIsALiteralPercent() {
        SlaposConfig cfg = parse("[s]\nfree = 90%%\nurl = http://x/%%(not)s\nref = %(free)s!\n");
        assertEquals(Optional.of("90%"), cfg.get("s", "free"));
        assertEquals(Optional.of("http://x/%(not)s"), cfg.get("s", "url"));
        assertEquals(Optional.of("90%!"), cfg.get("s", "ref"));
        assertEquals(Optional.of("90%%"), cfg.getRaw("s", "free"));
    }

    @Test
    void chainedReferences() {
        SlaposConfig cfg = parse("[s]\na = <%(b)s>\nb = [%(c)s]\nc = %(d)s%%\nd = end\n");
        assertEquals(Optional.of("<[end%]>"), cfg.get("s", "a"));
    }

    @Test
    void tenLevelsAreAllowed() {
        StringBuilder text = new StringBuilder("[s]\n");
        for (int i = 0; i < 9; i++) {
            text.append('a').append(i).append(" = %(a").append(i + 1).append(")s\n");
        }
        text.append("a9 = end%%\n");
        assertEquals(Optional.of("end%"), parse(text.toString()).get("s", "a0"));
    }

    @Test
    void moreThanTenLevelsIsAnError() {
        StringBuilder text = new StringBuilder("[s]\n");
        for (int i = 0; i < 10; i++) {
            text.append('a').append(i).append(" = %(a").append(i + 1).append(")s\n");
        }
        text.append("a10 = end%%\n");
        SlaposConfig cfg = parse(text.toString());
        ConfigException e = getError(cfg, "s", "a0");
        assertEquals("/etc/opt/slapos/slapos.cfg:2: [s] a0: bad interpolation: recursion limit"
                + " exceeded (more than 10 levels) in raw value '%(a1)s'", e.getMessage());
        assertEquals(ConfigException.Reason.INTERPOLATION, e.reason());
        // a plain value at the end of the chain is not a level
        assertEquals(Optional.of("x"), parse(text.toString().replace("end%%", "x")).get("s", "a0"));
    }

    @Test
    void cyclesHitTheDepthLimit() {
        SlaposConfig cfg = parse("[s]\na = %(b)s\nb = %(a)s\n");
        assertTrue(getError(cfg, "s", "a").getMessage().contains("recursion limit exceeded"));
    }

    @Test
    void missingReferenceNamesOptionAndKey() {
        SlaposConfig cfg = parse("[slapos]\ncomputer_id = c\n\n\n\n\n\n\n\n\n\nmaster_url = %(foo)s/x\n");
        ConfigException e = getError(cfg, "slapos", "master_url");
        assertEquals("/etc/opt/slapos/slapos.cfg:12: [slapos] master_url: bad interpolation:"
                + " missing key 'foo'", e.getMessage());
        assertEquals(12, e.line().getAsInt());
        assertEquals(Optional.of("slapos"), e.section());
        assertEquals(Optional.of("master_url"), e.key());
        assertEquals(Optional.of("%(foo)s/x"), cfg.getRaw("slapos", "master_url"));
    }

    @Test
    void otherSectionsAreNotSearched() {
        SlaposConfig cfg = parse("[a]\nx = 1\n[b]\ny = %(x)s\n");
        assertEquals("/etc/opt/slapos/slapos.cfg:4: [b] y: bad interpolation: missing key 'x'",
                getError(cfg, "b", "y").getMessage());
    }

    @Test
    void lonePercentIsAnError() {
        SlaposConfig cfg = parse("[slapos]\nsoftware_min_free_space = 5%\nother = 50%d\n");
        assertEquals("/etc/opt/slapos/slapos.cfg:2: [slapos] software_min_free_space: bad"
                + " interpolation: '%' must be followed by '%' or '(', found: '%'",
                getError(cfg, "slapos", "software_min_free_space").getMessage());
        assertEquals("/etc/opt/slapos/slapos.cfg:3: [slapos] other: bad interpolation: '%' must be"
                + " followed by '%' or '(', found: '%d'", getError(cfg, "slapos", "other").getMessage());
    }

    @Test
    void malformedReferenceIsAnError() {
        SlaposConfig cfg = parse("[s]\na = %(b)\nb = %()s\nc = %(b\n");
        assertEquals("/etc/opt/slapos/slapos.cfg:2: [s] a: bad interpolation: bad variable reference"
                + " '%(b)'", getError(cfg, "s", "a").getMessage());
        assertEquals("/etc/opt/slapos/slapos.cfg:3: [s] b: bad interpolation: bad variable reference"
                + " '%()s'", getError(cfg, "s", "b").getMessage());
        assertTrue(getError(cfg, "s", "c").getMessage().endsWith("bad variable reference '%(b'"));
    }

    @Test
    void errorsAreRaisedOnlyWhenTheValueIsRead() {
        SlaposConfig cfg = parse("[s]\nbad = 100%\ngood = fine\n");
        assertEquals(Optional.of("fine"), cfg.get("s", "good"));
        assertEquals("100%", cfg.rawSection("s").get("bad"));
        ConfigException e = assertThrows(ConfigException.class, () -> cfg.section("s"));
        assertEquals(ConfigException.Reason.INTERPOLATION, e.reason());
        assertEquals(Optional.of("bad"), e.key());
    }

    @Test
    void errorFromAMultiLineValueStaysOnOneLine() {
        SlaposConfig cfg = parse("[s]\nlist =\n  a%\n  b\n");
        String message = getError(cfg, "s", "list").getMessage();
        assertEquals("/etc/opt/slapos/slapos.cfg:2: [s] list: bad interpolation: '%' must be"
                + " followed by '%' or '(', found: '%\\nb'", message);
    }

    @Test
    void referenceValuesKeepNewlines() {
        SlaposConfig cfg = parse("[s]\nlist =\n  a\n  b\ncopy = %(list)s\n");
        assertEquals(Optional.of("\na\nb"), cfg.get("s", "copy"));
    }
}
