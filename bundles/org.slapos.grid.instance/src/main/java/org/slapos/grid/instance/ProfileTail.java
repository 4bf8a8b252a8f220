package org.slapos.grid.instance;

import java.util.List;

/**
 * The tail the node appends to a partition's profile (node-behavior §5.7 step 7): the
 * {@code [slap-connection]} section the release's recipes read, its underscore twin, the storage and
 * network sections. Every value is checked first: a line break in a value coming from the master
 * (a partition id, a release URL, a state) or from the configuration would let it add buildout
 * options of its own.
 */
final class ProfileTail {
  private ProfileTail() {
  }

  /** The values substituted into the tail; paths and lists as strings, empty when unset. */
  record Values(String computerId, String partitionId, String serverUrl, String softwareReleaseUrl, String keyFile,
      String certFile, List<String> sharedPartList, List<String> buildTimePartList, String requestedState,
      String storageHome, String globalIpv4Network) {
  }

  static String text(Values values) throws DeployFailure {
    String computerId = checked("computer id", values.computerId());
    String partitionId = checked("partition id", values.partitionId());
    String serverUrl = checked("master URL", values.serverUrl());
    String softwareReleaseUrl = checked("Software Release URL", values.softwareReleaseUrl());
    String keyFile = checked("key file", values.keyFile());
    String certFile = checked("certificate file", values.certFile());
    String sharedPartList = list("shared_part_list", values.sharedPartList());
    String buildTimePartList = list("build_time_part_list", values.buildTimePartList());
    String requestedState = checked("requested state", values.requestedState());
    String storageHome = checked("instance_storage_home", values.storageHome());
    String globalIpv4Network = checked("ipv4_global_network", values.globalIpv4Network());
    return "# This is beginning of zc.buildout profile's tail added by slapgrid\n"
        + "[buildout]\n"
        + "# put buildout generated binaries in specific directory\n"
        + "bin-directory = ${buildout:directory}/sbin\n"
        + "\n"
        + "# protect software and run parts offline\n"
        + "offline = true\n"
        + "\n"
        + "[slap-connection]\n"
        + "computer-id = " + computerId + "\n"
        + "partition-id = " + partitionId + "\n"
        + "server-url = " + serverUrl + "\n"
        + "software-release-url = " + softwareReleaseUrl + "\n"
        + "key-file = " + keyFile + "\n"
        + "cert-file = " + certFile + "\n"
        + "shared-part-list =\n"
        + "  " + sharedPartList + "\n"
        + "build-time-part-list =\n"
        + "  " + buildTimePartList + "\n"
        + "requested-state = " + requestedState + "\n"
        + "\n"
        + "[slap_connection]\n"
        + "# Kept for backward compatiblity\n"
        + "computer_id = " + computerId + "\n"
        + "partition_id = " + partitionId + "\n"
        + "server_url = " + serverUrl + "\n"
        + "software_release_url = " + softwareReleaseUrl + "\n"
        + "key_file = " + keyFile + "\n"
        + "cert_file = " + certFile + "\n"
        + "\n"
        + "[storage-configuration]\n"
        + "storage-home = " + storageHome + "\n"
        + "\n"
        + "[network-information]\n"
        + "global-ipv4-network = " + globalIpv4Network + "\n"
        + "# This is end of zc.buildout profile's tail added by slapgrid\n";
  }

  /** A list keeps one entry per line, each continuation indented by two spaces (as the original). */
  private static String list(String name, List<String> entries) throws DeployFailure {
    for (String entry : entries) {
      checked(name, entry);
    }
    return String.join("\n  ", entries.stream().map(String::strip).filter(entry -> !entry.isEmpty()).toList());
  }

  /** Refuses a value holding a control character (line breaks above all); {@code null} becomes empty. */
  static String checked(String name, String value) throws DeployFailure {
    if (value == null) {
      return "";
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new DeployFailure("Refusing to write the partition profile: the " + name
            + " contains a control character: " + value.strip().replaceAll("\\p{Cntrl}", "?"));
      }
    }
    return value;
  }
}
