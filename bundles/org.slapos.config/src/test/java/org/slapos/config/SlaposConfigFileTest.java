package org.slapos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlaposConfigFileTest {

    @TempDir
    Path dir;

    @Test
    void parsesUtf8File() throws Exception {
        Path file = dir.resolve("slapos.cfg");
        Files.writeString(file, "[slapos]\nowner = Zoé\n", StandardCharsets.UTF_8);
        SlaposConfig cfg = SlaposConfig.parse(file);
        assertEquals(Optional.of("Zoé"), cfg.get("slapos", "owner"));
        assertEquals(file, cfg.source());
        assertEquals(file.toString(), cfg.sourceName());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("y.cfg");
        ConfigException e = assertThrows(ConfigException.class, () -> SlaposConfig.parse(file));
        assertEquals("Configuration file does not exist: " + file, e.getMessage());
        assertEquals(ConfigException.Reason.FILE_NOT_FOUND, e.reason());
        assertEquals(file.toString(), e.sourceName());
    }

    @Test
    void directoryCannotBeParsed() {
        ConfigException e = assertThrows(ConfigException.class, () -> SlaposConfig.parse(dir));
        assertEquals("Cannot parse configuration file: " + dir + ": is a directory", e.getMessage());
        assertEquals(ConfigException.Reason.UNREADABLE, e.reason());
    }

    @Test
    void invalidUtf8CannotBeParsed() throws Exception {
        Path file = dir.resolve("latin1.cfg");
        Files.write(file, new byte[] {'[', 's', ']', '\n', 'k', '=', (byte) 0xE9, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> SlaposConfig.parse(file));
        assertEquals("Cannot parse configuration file: " + file + ": not valid UTF-8", e.getMessage());
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws Exception {
        Path file = dir.resolve("bad.cfg");
        Files.writeString(file, "[slapos]\ncomputer_id = x\nfoo\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SlaposConfig.parse(file));
        assertEquals("Cannot parse configuration file: " + file + ":3: option without value: 'foo'",
                e.getMessage());
        assertTrue(e.getMessage().startsWith("Cannot parse configuration file: " + file));
    }

    @Test
    void interpolationErrorNamesFileLineSectionAndKey() throws Exception {
        Path file = dir.resolve("slapos.cfg");
        Files.writeString(file, "[slapos]\ncomputer_id = x\nmaster_url = %(foo)s\n");
        SlaposConfig cfg = SlaposConfig.parse(file);
        ConfigException e = assertThrows(ConfigException.class, () -> cfg.require("slapos", "master_url"));
        assertEquals(file + ":3: [slapos] master_url: bad interpolation: missing key 'foo'", e.getMessage());
    }
}
