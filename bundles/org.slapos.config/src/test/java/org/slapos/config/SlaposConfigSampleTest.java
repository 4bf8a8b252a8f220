package org.slapos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole sample file, with the values Python 3 configparser gives for it. */
class SlaposConfigSampleTest {

    private static String text;
    private static SlaposConfig cfg;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SlaposConfigSampleTest.class.getResourceAsStream("slapos-sample.cfg")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        cfg = SlaposConfig.parse(text, "/etc/opt/slapos/slapos.cfg");
    }

    @Test
    void sectionsInFileOrderWithoutDefault() {
        assertEquals(List.of("slapos", "slapformat", "networkcache", "slapproxy",
                "multimaster/https://slap.vifib.com/", "disabled-firewall"), cfg.sections());
        assertTrue(cfg.hasSection("slapos"));
        assertFalse(cfg.hasSection("DEFAULT"));
        assertFalse(cfg.hasSection("firewall"));
        assertEquals(Path.of("/etc/opt/slapos/slapos.cfg"), cfg.source());
        assertEquals("/etc/opt/slapos/slapos.cfg", cfg.sourceName());
    }

    @Test
    void slaposSection() {
        assertEquals("COMP-1234", cfg.require("slapos", "computer_id"));
        assertEquals("https://slap.vifib.com/", cfg.require("slapos", "master_url"));
        assertEquals("/opt/slapgrid", cfg.require("slapos", "software_root"));
        assertEquals(Optional.of("%(base)s"), cfg.getRaw("slapos", "software_root"));
        assertEquals(Optional.of("True"), cfg.get("slapos", "root_check"));
        assertEquals(Optional.of(true), cfg.getStrictBoolean("slapos", "root_check"));
        assertEquals(Optional.of(false), cfg.getBoolean("slapos", "forbid_supervisord_automatic_launch"));
        assertEquals(Optional.of(30), cfg.getInt("slapos", "maximal_delay"));
        assertEquals(Optional.of(3600), cfg.getInt("slapos", "partition-timeout"));
        assertEquals(Optional.of(""), cfg.get("slapos", "ipv4_global_network"));
        assertEquals(Optional.of("cpuset, devperm"), cfg.get("slapos", "manager_list"));
        assertEquals("\n/opt/slapgrid/shared\n/srv/shared", cfg.require("slapos", "shared_part_list"));
        assertEquals(List.of("/opt/slapgrid/shared", "/srv/shared"),
                cfg.getList("slapos", "shared_part_list"));
    }

    @Test
    void slapformatSectionWithDefaultInterpolation() {
        assertEquals(Optional.of(10), cfg.getInt("slapformat", "partition_amount"));
        assertEquals(Optional.of(false), cfg.getStrictBoolean("slapformat", "create_tap"));
        assertEquals("/var/log/slapos/slapformat.log", cfg.require("slapformat", "log_file"));
        assertEquals(Optional.of(Path.of("/opt/slapos/slapos.xml")),
                cfg.getPath("slapformat", "computer_xml", Path.of("/root")));
    }

    @Test
    void networkcacheWithDashedKeysAndCertificateList() {
        assertEquals("http://shacache.nxdcdn.com", cfg.require("networkcache", "download-binary-cache-url"));
        assertEquals(List.of("http://git.erp5.org/gitweb/slapos.git/blob_plain/HEAD",
                "http://git.erp5.org/gitweb/slapos.git/blob_plain/refs/heads", "/"),
                cfg.getList("networkcache", "download-from-binary-cache-url-blacklist"));
        String pem = "\n-----BEGIN CERTIFICATE-----\n"
                + "MIIB4DCCAUkCADANBgkqhkiG9w0BAQsFADA5MQswCQYDVQQGEwJGUjEZMBcGA1UE\n"
                + "CBMQRGVmYXVsdCBQcm92aW5jZTELMAkGA1UEChMCTlgwHhcNMTQwMTMwMTAyNjQx\n"
                + "WhcNMTUwMTMwMTAyNjQxWjA5MQswCQYDVQQGEwJGUjEZMBcGA1UECBMQRGVmYXVs\n"
                + "dCBQcm92aW5jZTELMAkGA1UEChMCTlgwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJ\n"
                + "-----END CERTIFICATE-----";
        assertEquals(pem, cfg.require("networkcache", "signature-certificate-list"));
        List<String> lines = cfg.getList("networkcache", "signature-certificate-list");
        assertEquals(6, lines.size());
        assertEquals("-----BEGIN CERTIFICATE-----", lines.get(0));
        assertEquals("-----END CERTIFICATE-----", lines.get(5));
    }

    @Test
    void sectionMapFollowsPythonItemsOrder() {
        Map<String, String> proxy = cfg.section("slapproxy");
        assertEquals(List.of("base", "log_dir", "host", "port", "database_uri"),
                List.copyOf(proxy.keySet()));
        assertEquals("/opt/slapgrid/proxy.db", proxy.get("database_uri"));
        assertEquals("/opt/slapgrid", proxy.get("base"));
        assertEquals(List.of("host", "port", "database_uri", "base", "log_dir"), cfg.options("slapproxy"));
        assertEquals("%(base)s/proxy.db", cfg.rawSection("slapproxy").get("database_uri"));
    }

    @Test
    void multimasterSectionNameKeepsSlashesAndColons() {
        String section = "multimaster/https://slap.vifib.com/";
        assertEquals(List.of("http://example.com/software.cfg", "/opt/local/software.cfg"),
                cfg.getList(section, "software_release_list"));
        assertEquals("/etc/opt/slapos/ssl/slap.key", cfg.require(section, "key"));
    }

    @Test
    void lineNumbersPointAtOptionLines() {
        assertEquals(10, cfg.lineOf("slapos", "computer_id").getAsInt());
        assertEquals(5, cfg.lineOf("slapos", "base").getAsInt());
        assertTrue(cfg.lineOf("slapos", "nope").isEmpty());
    }
}
