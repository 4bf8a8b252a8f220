package org.slapos.cache.shell;

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
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
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
  static final String USAGE = "usage: slapos cache lookup [-h] [--cfg CFG] software_url\n";
  private static final String HELP = USAGE + """

      perform a query to the networkcache
      You can provide either a complete URL to the software release,
      or a corresponding MD5 hash value.

      positional arguments:
        software_url  Your software url or MD5 hash

      options:
        -h, --help    show this help message and exit
        --cfg CFG     SlapOS configuration file (default: $SLAPOS_CONFIGURATION or
                      /etc/opt/slapos/slapos.cfg)
      """;
  private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos cache lookup", USAGE, HELP)
      .option(Arity.ONE, "--cfg")
      .positional("software_url")
      .build();
  private static final List<String> REQUIRED =
      List.of("download-binary-dir-url", "download-binary-cache-url", "signature-certificate-list");

  private final BinaryCacheFactory caches;

  @Activate
  public CacheLookupCommand(@Reference BinaryCacheFactory caches) {
    this.caches = caches;
  }

  @Override
  public Set<String> optionNames() {
    return SYNTAX.optionNames();
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    try {
      arguments = SYNTAX.parse(args);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    String cfg = arguments.value("cfg");
    String softwareUrl = arguments.positional(0);
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
