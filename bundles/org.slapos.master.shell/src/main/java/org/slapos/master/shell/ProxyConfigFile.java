package org.slapos.master.shell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;

/**
 * slapproxy's view of slapos.cfg (Python's {@code ProxyConfig.mergeConfig}): command-line values
 * first, then the {@code [slapos]} and {@code [slapproxy]} sections in file order, the first non-empty
 * value of a key winning; {@code [multimaster/<url>]} sections describe other masters.
 */
final class ProxyConfigFile {
  /**
   * One {@code [multimaster/<url>]} section; {@code caFile} ({@code ca_file}) and
   * {@code insecureSkipTlsVerify} ({@code insecure_skip_tls_verify}) are null when absent.
   */
  record Master(String url, String key, String cert, List<String> softwareReleaseList, String computer,
      String partition, String caFile, Boolean insecureSkipTlsVerify) {
  }

  final Path source;
  final Map<String, String> values;
  final List<Master> masters;

  private ProxyConfigFile(Path source, Map<String, String> values, List<Master> masters) {
    this.source = source;
    this.values = values;
    this.masters = masters;
  }

  /**
   * Locates the node configuration ({@code --cfg}, property {@code slapos.configuration},
   * {@code $SLAPOS_CONFIGURATION}, {@code /etc/opt/slapos/slapos.cfg}) and merges it with the
   * command-line values.
   */
  static ProxyConfigFile load(CommandContext context, String cfgOption, Map<String, String> commandLine)
      throws CommandFailure {
    ConfigLocator locator = new ConfigLocator(context.environment(), context.homeDirectory());
    String property = context.property(ConfigLocator.NODE_PROPERTY).orElse(null);
    SlaposConfig config;
    try {
      config = locator.load(ConfigLocator.Kind.NODE, cfgOption, property);
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    commandLine.forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        values.put(k, v);
      }
    });
    List<Master> masters = new ArrayList<>();
    try {
      for (String section : config.sections()) {
        if (section.equals("slapproxy") || section.equals("slapos")) {
          config.section(section).forEach((k, v) -> {
            String current = values.get(k);
            if (current == null || current.isEmpty()) {
              values.put(k, v);
            }
          });
        } else if (section.startsWith("multimaster/")) {
          Map<String, String> s = config.section(section);
          masters.add(new Master(section.substring("multimaster/".length()), s.get("key"), s.get("cert"),
              config.getList(section, "software_release_list"), s.get("computer"), s.get("partition"),
              s.get("ca_file"), config.getBoolean(section, "insecure_skip_tls_verify").orElse(null)));
        }
      }
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    return new ProxyConfigFile(config.source(), values, masters);
  }

  String get(String key) {
    String value = values.get(key);
    return value == null || value.isEmpty() ? null : value;
  }

  /** The database path: {@code database_uri}, relative to the working directory (as sqlite3 opens it). */
  Path database(CommandContext context) throws CommandFailure {
    String uri = get("database_uri");
    if (uri == null) {
      throw new CommandFailure(1, "database-uri is required.");
    }
    return context.workingDirectory().resolve(uri).normalize();
  }
}
