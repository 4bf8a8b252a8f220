package org.slapos.cache.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.cache.api.BinaryCacheFactory;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheLookup;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;

/**
 * {@code slapos cache lookup [--cfg CFG] software_url}: lists every binary entry of a Software
 * Release (URL or md5) with whether it suits this system and whether its signature verifies.
 * Reads {@code [networkcache]} of the node's slapos.cfg. Exit 0 when the key exists, 1 otherwise.
 */
@Component(property = {
    SlaposCommand.NAME + "=cache lookup",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=perform a query to the networkcache"})
public final class CacheLookupCommand implements SlaposCommand {
  static final String USAGE = "usage: slapos cache lookup [-h] [--cfg CFG] software_url";
  private static final List<String> REQUIRED =
      List.of("download-binary-dir-url", "download-binary-cache-url", "signature-certificate-list");

  private final BinaryCacheFactory caches;

  @Activate
  public CacheLookupCommand(@Reference BinaryCacheFactory caches) {
    this.caches = caches;
  }

  @Override
  public Set<String> optionNames() {
    return Set.of("--cfg", "-h", "--help");
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    String cfg = null;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        context.out().println(USAGE);
        context.out().println();
        context.out().println("perform a query to the networkcache");
        context.out().println("You can provide either a complete URL to the software release,");
        context.out().println("or a corresponding MD5 hash value.");
        return 0;
      } else if (arg.equals("--cfg") && i + 1 < args.size()) {
        cfg = args.get(++i);
      } else if (arg.startsWith("--cfg=")) {
        cfg = arg.substring("--cfg=".length());
      } else if (arg.startsWith("-")) {
        throw new CommandFailure(2, USAGE + "\nslapos cache lookup: error: unrecognized arguments: " + arg);
      } else {
        positional.add(arg);
      }
    }
    if (positional.size() != 1) {
      throw new CommandFailure(2, USAGE + "\nslapos cache lookup: error: "
          + (positional.isEmpty() ? "the following arguments are required: software_url"
              : "unrecognized arguments: " + String.join(" ", positional.subList(1, positional.size()))));
    }
    String softwareUrl = positional.get(0);
    Map<String, String> section;
    try {
      SlaposConfig config = new ConfigLocator(context.environment(), context.homeDirectory())
          .load(ConfigLocator.Kind.NODE, cfg, context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
      for (String key : REQUIRED) {
        if (config.get("networkcache", key).isEmpty() && config.get("networkcache", key.replace('-', '_')).isEmpty()) {
          config.require("networkcache", key);
        }
      }
      section = config.section("networkcache");
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    try (BinaryCacheFactory.Session cache = caches.open(section)) {
      CacheLookup lookup = cache.lookup(softwareUrl);
      if (lookup.entries().isEmpty()) {
        context.out().println("Object found in cache, but has no binary entries.");
        return 0;
      }
      String shownUrl = lookup.entries().get(0).softwareUrl();
      LookupTable.render(shownUrl, lookup, cache.localSystem()).forEach(context.out()::println);
      return 0;
    } catch (CacheException e) {
      if (e.code() == CacheException.Code.NOT_FOUND) {
        throw new CommandFailure(1, "Object not found in cache: " + softwareUrl, e);
      }
      throw new CommandFailure(1, "Error while looking object " + softwareUrl + ": " + e.getMessage(), e);
    }
  }
}
