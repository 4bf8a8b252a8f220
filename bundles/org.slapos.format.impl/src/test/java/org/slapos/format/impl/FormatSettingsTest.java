package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slapos.format.api.FormatRequest;

class FormatSettingsTest {
  static Map<String, String> minimal() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("computer_id", "COMP-1");
    o.put("master_url", "http://127.0.0.1:5001");
    o.put("instance_root", "/srv/slapgrid");
    o.put("software_root", "/opt/slapgrid");
    o.put("computer_xml", "slapos.xml");
    o.put("partition_amount", "10");
    return o;
  }

  static FormatSettings parse(Map<String, String> o) throws FormatException {
    return FormatSettings.parse(new FormatRequest(o, Path.of("/work/dir"), false));
  }

  static FormatException failure(Map<String, String> o) {
    return assertThrows(FormatException.class, () -> parse(o));
  }

  @Test
  void defaultsAreTheOriginals() throws Exception {
    FormatSettings s = parse(minimal());
    assertTrue(s.alterUser());
    assertTrue(s.alterNetwork());
    assertTrue(s.partitionHasIpv6Range());
    assertTrue(s.createTap());
    assertTrue(s.tapIpv6());
    assertFalse(s.createTun());
    assertTrue(s.tunIpv6());
    assertEquals(16, s.ipv6Prefixshift());
    assertEquals("slapsoft", s.softwareUser());
    assertEquals("", s.tapGatewayInterface());
    assertNull(s.ipv6Interface());
    assertTrue(s.rootCheck());
    assertEquals(Path.of("/work/dir/slapos.xml"), s.computerXml());
    assertFalse(s.unprivileged());
  }

  @Test
  void slaposWinsOverSlapformatAndTheCommandLineOverBoth() {
    Map<String, String> slapformat = new HashMap<>(Map.of("partition_amount", "3", "alter_user", "True", "computer_xml", "a.xml"));
    Map<String, String> slapos = Map.of("partition_amount", "5");
    Map<String, String> commandLine = new HashMap<>();
    commandLine.put("alter_user", "False");
    commandLine.put("computer_xml", null);
    Map<String, String> merged = FormatRequest.merge(slapformat, slapos, commandLine);
    assertEquals("5", merged.get("partition_amount"));
    assertEquals("False", merged.get("alter_user"));
    assertEquals("a.xml", merged.get("computer_xml"));
  }

  @Test
  void badValuesGiveOneClearLine() {
    Map<String, String> o = minimal();
    o.put("interface_name", "eth0; rm -rf /");
    assertEquals("interface_name is not a valid interface name: 'eth0; rm -rf /'", failure(o).getMessage());

    o = minimal();
    o.put("ipv4_local_network", "10.0.0/16");
    FormatException e = failure(o);
    assertEquals(Code.CONFIGURATION, e.code());
    assertEquals("ipv4_local_network is not an IPv4 network (a.b.c.d/len): 10.0.0/16", e.getMessage());

    o = minimal();
    o.put("partition_amount", "-1");
    assertEquals("partition_amount must not be negative, got -1", failure(o).getMessage());

    o = minimal();
    o.put("partition_amount", "ten");
    assertEquals("partition_amount must be an integer, got 'ten'", failure(o).getMessage());

    o = minimal();
    o.put("alter_user", "yes");
    e = failure(o);
    assertEquals(Code.USAGE, e.code());
    assertEquals("Option 'alter_user' needs to be \"True\" or \"False\", wrong value: 'yes'", e.getMessage());

    o = minimal();
    o.put("bridge_name", "br0");
    assertEquals("Option 'bridge_name' is totally deprecated, please update your config file", failure(o).getMessage());

    o = minimal();
    o.remove("master_url");
    assertEquals("Parameter 'master_url' is not defined.", failure(o).getMessage());

    o = minimal();
    o.put("partition_amount", "20000");
    assertEquals("ipv6_prefixshift 16 is too small for partition_amount 20000", failure(o).getMessage());

    o = minimal();
    o.put("key_file", "/nonexistent/key");
    assertEquals("File '/nonexistent/key' does not exist or is not readable.", failure(o).getMessage());

    o = minimal();
    o.put("software_user", "bad user");
    assertEquals("software_user is not a valid user name: 'bad user'", failure(o).getMessage());
  }

  @Test
  void booleansIgnoreCase() throws Exception {
    Map<String, String> o = minimal();
    o.put("alter_user", "FALSE");
    o.put("alter_network", "false");
    assertTrue(parse(o).unprivileged());
    o.put("root_check", "False");
    assertFalse(parse(o).rootCheck());
    o.put("root_check", "no");
    assertThrows(FormatException.class, () -> parse(o));
  }
}
