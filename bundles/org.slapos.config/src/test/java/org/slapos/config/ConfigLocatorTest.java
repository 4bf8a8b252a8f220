package org.slapos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLocatorTest {

    private static final Path HOME = Path.of("/home/alice");
    private static final Map<String, String> ENV = Map.of(
            "SLAPOS_CONFIGURATION", "/env/slapos.cfg",
            "SLAPOS_CLIENT_CONFIGURATION", "~/env/slapos-client.cfg");

    private final ConfigLocator withEnv = new ConfigLocator(ENV, HOME);
    private final ConfigLocator noEnv = new ConfigLocator(Map.of(), HOME);

    @Test
    void nodeDefaultsToEtc() {
        assertEquals(Path.of("/etc/opt/slapos/slapos.cfg"), noEnv.locate(ConfigLocator.Kind.NODE, null));
    }

    @Test
    void clientDefaultsToHome() {
        assertEquals(Path.of("/home/alice/.slapos/slapos-client.cfg"),
                noEnv.locate(ConfigLocator.Kind.CLIENT, null));
    }

    @Test
    void environmentOverridesDefault() {
        assertEquals(Path.of("/env/slapos.cfg"), withEnv.locate(ConfigLocator.Kind.NODE, null));
        assertEquals(Path.of("/home/alice/env/slapos-client.cfg"),
                withEnv.locate(ConfigLocator.Kind.CLIENT, null));
    }

    @Test
    void clientAndNodeUseTheirOwnVariable() {
        ConfigLocator onlyClient = new ConfigLocator(Map.of("SLAPOS_CLIENT_CONFIGURATION", "/c.cfg"), HOME);
        assertEquals(Path.of("/etc/opt/slapos/slapos.cfg"), onlyClient.locate(ConfigLocator.Kind.NODE, null));
        assertEquals(Path.of("/c.cfg"), onlyClient.locate(ConfigLocator.Kind.CLIENT, null));
    }

    @Test
    void propertyOverridesEnvironment() {
        assertEquals(Path.of("/prop.cfg"), withEnv.locate(ConfigLocator.Kind.NODE, null, "/prop.cfg"));
        assertEquals(Path.of("/home/alice/p.cfg"), withEnv.locate(ConfigLocator.Kind.CLIENT, "", "~/p.cfg"));
    }

    @Test
    void cfgOptionOverridesEverything() {
        assertEquals(Path.of("/opt/cli.cfg"), withEnv.locate(ConfigLocator.Kind.NODE, "/opt/cli.cfg", "/prop.cfg"));
        assertEquals(Path.of("/home/alice/cli.cfg"), withEnv.locate(ConfigLocator.Kind.CLIENT, "~/cli.cfg"));
        assertEquals(Path.of("relative.cfg"), withEnv.locate(ConfigLocator.Kind.NODE, "relative.cfg"));
    }

    @Test
    void emptyValuesCountAsUnset() {
        ConfigLocator emptyEnv = new ConfigLocator(Map.of("SLAPOS_CONFIGURATION", ""), HOME);
        assertEquals(Path.of("/etc/opt/slapos/slapos.cfg"), emptyEnv.locate(ConfigLocator.Kind.NODE, "", ""));
    }

    @Test
    void kindConstants() {
        assertEquals("SLAPOS_CONFIGURATION", ConfigLocator.Kind.NODE.environmentVariable());
        assertEquals("SLAPOS_CLIENT_CONFIGURATION", ConfigLocator.Kind.CLIENT.environmentVariable());
        assertEquals("slapos.configuration", ConfigLocator.Kind.NODE.propertyName());
        assertEquals(ConfigLocator.CLIENT_PROPERTY, ConfigLocator.Kind.CLIENT.propertyName());
        assertEquals("~/.slapos/slapos-client.cfg", ConfigLocator.Kind.CLIENT.defaultLocation());
        assertEquals(HOME, withEnv.home());
    }

    @Test
    void expandUserLikePython() {
        assertEquals("/home/alice", ConfigLocator.expandUser("~", HOME));
        assertEquals("/home/alice/", ConfigLocator.expandUser("~/", HOME));
        assertEquals("/home/alice/a/b", ConfigLocator.expandUser("~/a/b", HOME));
        assertEquals("/home/alice/a", ConfigLocator.expandUser("~/a", Path.of("/home/alice/")));
        assertEquals("/a", ConfigLocator.expandUser("~/a", Path.of("/")));
        assertEquals("/", ConfigLocator.expandUser("~", Path.of("/")));
        assertEquals("~bob/x", ConfigLocator.expandUser("~bob/x", HOME));
        assertEquals("/x/~/y", ConfigLocator.expandUser("/x/~/y", HOME));
        assertEquals("", ConfigLocator.expandUser("", HOME));
    }

    @Test
    void loadReadsTheLocatedFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\ncomputer_id = COMP-9\n");
        ConfigLocator locator = new ConfigLocator(
                Map.of("SLAPOS_CONFIGURATION", "~/slapos.cfg"), dir);
        SlaposConfig cfg = locator.load(ConfigLocator.Kind.NODE, null, null);
        assertEquals(Optional.of("COMP-9"), cfg.get("slapos", "computer_id"));
        assertEquals(dir.resolve("slapos.cfg"), cfg.source());
    }

    @Test
    void loadOfAMissingFileNamesTheExpandedPath(@TempDir Path dir) {
        ConfigLocator locator = new ConfigLocator(Map.of(), dir);
        ConfigException e = assertThrows(ConfigException.class,
                () -> locator.load(ConfigLocator.Kind.CLIENT, null, null));
        assertEquals("Configuration file does not exist: " + dir + "/.slapos/slapos-client.cfg",
                e.getMessage());
        assertEquals(ConfigException.Reason.FILE_NOT_FOUND, e.reason());
    }

    @Test
    void processLocatorUsesARealHome() {
        assertEquals(true, ConfigLocator.ofProcess().home().isAbsolute());
    }
}
