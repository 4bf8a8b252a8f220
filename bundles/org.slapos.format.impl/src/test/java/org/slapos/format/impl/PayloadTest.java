package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slapos.format.api.AddressDTO;
import org.slapos.format.api.ComputerDTO;
import org.slapos.format.api.InterfaceDTO;
import org.slapos.format.api.Ipv6RangeDTO;
import org.slapos.format.api.PartitionDTO;
import org.slapos.format.api.TapDTO;
import org.slapos.format.api.UserDTO;
import org.slapos.slap.marshal.Marshal;

/** The payload and the state file against what the real slapos.core 1.24.0 sent (wire sample 0002). */
class PayloadTest {

  static String resource(String name) throws IOException {
    try (InputStream in = PayloadTest.class.getResourceAsStream("/wire/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The computer the capture described, built field by field. */
  static ComputerDTO sampleComputer() {
    ComputerDTO c = new ComputerDTO();
    c.reference = "local_computer";
    c.address = "fd5a:1ab0:5eed::1";
    c.netmask = "ffff:ffff:ffff:ffff::";
    c.instanceRoot = "/srv/peer/node/inst";
    c.softwareRoot = "/srv/peer/node/soft";
    c.networkInterface = new InterfaceDTO();
    c.networkInterface.name = "lo";
    c.networkInterface.ipv6Interface = "lo";
    c.networkInterface.ipv4LocalNetwork = "127.0.1.0/24";
    c.networkInterface.ipv6Prefixshift = 16;
    c.osType = "[\"Linux-6.18.44-fc-v595-x86_64-with-glibc2.36\", \"debian\", \"12\", \"Debian GNU/Linux\"]";
    c.partitionHasIpv6Range = true;
    c.pythonVersion = "3.11.2";
    c.slaposVersion = "1.24.0";
    c.softwareUser = "slapsoft";
    c.tapGatewayInterface = "";
    c.tapIpv6 = true;
    String[] ipv4 = {"127.0.1.106", "127.0.1.197", "127.0.1.77"};
    for (int i = 0; i < 3; i++) {
      PartitionDTO p = new PartitionDTO();
      p.reference = "slappart" + i;
      p.path = "/srv/peer/node/inst/slappart" + i;
      p.addresses.add(new AddressDTO(ipv4[i], "255.255.255.255"));
      p.addresses.add(new AddressDTO(IpMath.partitionAddress(c.address, 64, i).addr(), c.netmask));
      IpMath.Prefixed r = IpMath.range(IpMath.RangeKind.PARTITION, c.address, 64, i, 16);
      p.ipv6Range = new Ipv6RangeDTO();
      p.ipv6Range.addr = r.addr();
      p.ipv6Range.prefixlen = r.prefixlen();
      p.ipv6Range.netmask = IpMath.netmaskIpv6(r.prefixlen());
      p.ipv6Range.network = r.addr() + "/" + r.prefixlen();
      p.tap = new TapDTO();
      p.tap.name = "slaptap" + i;
      p.user = new UserDTO();
      p.user.name = "slapuser" + i;
      p.user.path = p.path;
      p.user.additionalGroupList = List.of("slapsoft");
      c.partitions.add(p);
    }
    return c;
  }

  @Test
  void payloadIsByteForByteTheOriginals() throws IOException {
    String expected = resource("0002-POST-loadComputerConfigurationFromXML-request-xml.xml");
    assertEquals(expected, Marshal.dumps(ComputerDict.toDict(sampleComputer())));
  }

  @Test
  void stateFileIsLxmlPrettyPrint() throws IOException {
    String expected = resource("0002-loadComputerConfigurationFromXML-pretty.xml");
    byte[] state = StateFiles.stateBytes(ComputerDict.toDict(sampleComputer()));
    assertEquals(expected, new String(state, StandardCharsets.US_ASCII));
  }

  /** Loading the original's document and dumping it again gives the same bytes. */
  @Test
  void storedPartitionsRoundTrip() throws IOException {
    String wire = resource("0002-POST-loadComputerConfigurationFromXML-request-xml.xml");
    ComputerDict.Stored stored = ComputerDict.stored(Marshal.loads(wire));
    ComputerDTO c = sampleComputer();
    c.partitions.clear();
    for (Map<String, Object> pd : stored.partitions()) {
      PartitionDTO p = ComputerDict.partition(pd);
      p.user.path = p.path;
      p.user.additionalGroupList = List.of("slapsoft");
      c.partitions.add(p);
    }
    assertEquals(wire, Marshal.dumps(ComputerDict.toDict(c)));
    assertEquals("slapsoft", stored.softwareUser());
    assertEquals("/srv/peer/node/inst", stored.instanceRoot());
  }

  /** xml_marshaller escapes text once more before the XML writer does: lxml keeps both levels. */
  @Test
  void prettyPrintEscapesAsLxml() {
    String xml = Marshal.dumps(Map.of("k", "a<b>&c\"\u00e9\r"));
    String pretty = new String(PrettyXml.prettify(xml), StandardCharsets.US_ASCII);
    assertEquals("<marshal>\n  <dictionary id=\"i2\">\n    <string>k</string>\n"
        + "    <string>a&amp;lt;b&amp;gt;&amp;amp;c\"&#233;&#13;</string>\n  </dictionary>\n</marshal>\n", pretty);
  }
}
