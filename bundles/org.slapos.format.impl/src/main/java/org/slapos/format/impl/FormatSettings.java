package org.slapos.format.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slapos.format.api.FormatRequest;

/**
 * The format options, checked and typed, with the original's defaults ({@code FormatConfig}). The
 * checks run in the original's order and each failure is one line.
 */
record FormatSettings(
    String computerId,
    String masterUrl,
    Path instanceRoot,
    Path softwareRoot,
    Path computerXml,
    Path computerJson,
    Path inputDefinitionFile,
    Path outputDefinitionFile,
    int partitionAmount,
    String partitionBaseName,
    String userBaseName,
    String tapBaseName,
    String interfaceName,
    String ipv6Interface,
    IpMath.Ipv4Network ipv4LocalNetwork,
    String ipv4LocalNetworkText,
    int ipv6Prefixshift,
    boolean partitionHasIpv6Range,
    boolean createTap,
    boolean tapIpv6,
    String tapGatewayInterface,
    boolean createTun,
    boolean tunIpv6,
    boolean alterUser,
    boolean alterNetwork,
    String softwareUser,
    String instanceStorageHome,
    boolean rootCheck,
    boolean dryRun,
    Duration addressReadyTimeout) {

  /** Linux interface names: 1 to 15 characters, no slash, colon or whitespace. */
  private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.@+-]{1,15}");
  /** Unix user and group names useradd accepts (Debian's default NAME_REGEX, plus upper case). */
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,30}");

  /** Unprivileged mode: no users, no network changes; what a standalone node run by a normal user uses. */
  boolean unprivileged() {
    return !alterUser && !alterNetwork;
  }

  /** Step 1 of the original's checks: only {@code root_check}, so the caller can check the uid first. */
  static boolean rootCheck(FormatRequest request) throws FormatException {
    String value = request.options().get("root_check");
    if (value == null) {
      return true;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new FormatException(Code.USAGE, "root_check must be true or false, got " + value);
    };
  }

  static FormatSettings parse(FormatRequest request) throws FormatException {
    Map<String, String> o = request.options();
    for (String deprecated : new String[] {"bridge_name", "no_bridge"}) {
      String v = o.get(deprecated);
      if (v != null && !v.isEmpty()) {
        throw new FormatException(Code.USAGE, "Option '" + deprecated + "' is totally deprecated, please update your config file");
      }
    }
    boolean alterNetwork = formatBoolean(o, "alter_network", true);
    boolean alterUser = formatBoolean(o, "alter_user", true);
    boolean partitionHasIpv6Range = formatBoolean(o, "partition_has_ipv6_range", true);
    boolean createTap = formatBoolean(o, "create_tap", true);
    boolean createTun = formatBoolean(o, "create_tun", false);
    boolean tapIpv6 = formatBoolean(o, "tap_ipv6", true);
    boolean tunIpv6 = formatBoolean(o, "tun_ipv6", true);

    for (String required : new String[] {"computer_id", "instance_root", "master_url", "software_root", "computer_xml"}) {
      String v = o.get(required);
      if (v == null || v.isEmpty()) {
        throw new FormatException(Code.USAGE, "Parameter '" + required + "' is not defined.");
      }
    }
    Path cwd = request.workingDirectory();
    for (String file : new String[] {"key_file", "cert_file", "master_ca_file"}) {
      String v = o.get(file);
      if (v != null && !Files.isReadable(cwd.resolve(v))) {
        throw new FormatException(Code.CONFIGURATION, "File '" + v + "' does not exist or is not readable.");
      }
    }
    int amount = integer(o, "partition_amount", null);
    if (amount < 0) {
      throw new FormatException(Code.CONFIGURATION, "partition_amount must not be negative, got " + amount);
    }
    int shift = integer(o, "ipv6_prefixshift", 16);
    if (shift < 2 || shift > 126) {
      throw new FormatException(Code.CONFIGURATION, "ipv6_prefixshift must be between 2 and 126, got " + shift);
    }
    if (shift < 62 && (1L << shift) < 4L * amount) {
      throw new FormatException(Code.CONFIGURATION,
          "ipv6_prefixshift " + shift + " is too small for partition_amount " + amount);
    }
    String interfaceName = optional(o, "interface_name");
    checkInterface("interface_name", interfaceName);
    String ipv6Interface = optional(o, "ipv6_interface");
    checkInterface("ipv6_interface", ipv6Interface);
    String tapGateway = o.getOrDefault("tap_gateway_interface", "");
    if (!tapGateway.isEmpty()) {
      checkInterface("tap_gateway_interface", tapGateway);
    }
    String networkText = optional(o, "ipv4_local_network");
    IpMath.Ipv4Network network = null;
    if (networkText != null) {
      try {
        network = IpMath.parseIpv4Network(networkText);
      } catch (IllegalArgumentException e) {
        throw new FormatException(Code.CONFIGURATION, "ipv4_local_network is not an IPv4 network (a.b.c.d/len): " + networkText);
      }
    }
    String softwareUser = o.getOrDefault("software_user", "slapsoft");
    checkUser("software_user", softwareUser);
    String userBase = optional(o, "user_base_name");
    if (userBase != null) {
      checkUser("user_base_name", userBase + "0");
    }
    String partitionBase = optional(o, "partition_base_name");
    if (partitionBase != null && (partitionBase.contains("/") || partitionBase.equals(".") || partitionBase.equals(".."))) {
      throw new FormatException(Code.CONFIGURATION, "partition_base_name must be a plain name, got " + partitionBase);
    }
    String tapBase = optional(o, "tap_base_name");
    if (tapBase != null) {
      checkInterface("tap_base_name", tapBase + "0");
    }
    long readySeconds = integer(o, "address_ready_timeout", 5);
    return new FormatSettings(
        o.get("computer_id"),
        o.get("master_url"),
        absolute(cwd, o.get("instance_root")),
        absolute(cwd, o.get("software_root")),
        absolute(cwd, o.get("computer_xml")),
        pathOrNull(cwd, o.get("computer_json")),
        pathOrNull(cwd, o.get("input_definition_file")),
        pathOrNull(cwd, o.get("output_definition_file")),
        amount, partitionBase, userBase, tapBase, interfaceName, ipv6Interface, network, networkText, shift,
        partitionHasIpv6Range, createTap, tapIpv6, tapGateway, createTun, tunIpv6, alterUser, alterNetwork,
        softwareUser, optional(o, "instance_storage_home"), rootCheck(request), request.dryRun(),
        Duration.ofSeconds(Math.max(0, readySeconds)));
  }

  /** The interface whose IPv6 addresses are the base of every allocation. */
  String ipv6InterfaceOrName() {
    return ipv6Interface != null ? ipv6Interface : interfaceName;
  }

  private static void checkInterface(String key, String name) throws FormatException {
    if (name != null && !INTERFACE_NAME.matcher(name).matches()) {
      throw new FormatException(Code.CONFIGURATION, key + " is not a valid interface name: '" + name + "'");
    }
  }

  private static void checkUser(String key, String name) throws FormatException {
    if (!USER_NAME.matcher(name).matches()) {
      throw new FormatException(Code.CONFIGURATION, key + " is not a valid user name: '" + name + "'");
    }
  }

  /** The original's own boolean: True/False in any case, anything else is a usage error. */
  private static boolean formatBoolean(Map<String, String> o, String key, boolean fallback) throws FormatException {
    String v = o.get(key);
    if (v == null) {
      return fallback;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new FormatException(Code.USAGE, "Option '" + key + "' needs to be \"True\" or \"False\", wrong value: '" + v + "'");
  }

  private static int integer(Map<String, String> o, String key, Integer fallback) throws FormatException {
    String v = o.get(key);
    if (v == null || v.isBlank()) {
      if (fallback == null) {
        throw new FormatException(Code.USAGE, "Parameter '" + key + "' is not defined.");
      }
      return fallback;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new FormatException(Code.CONFIGURATION, key + " must be an integer, got '" + v + "'");
    }
  }

  private static String optional(Map<String, String> o, String key) {
    String v = o.get(key);
    return v == null || v.isEmpty() ? null : v;
  }

  private static Path absolute(Path cwd, String value) {
    return cwd.resolve(value).normalize();
  }

  private static Path pathOrNull(Path cwd, String value) {
    return value == null || value.isEmpty() ? null : absolute(cwd, value);
  }
}
