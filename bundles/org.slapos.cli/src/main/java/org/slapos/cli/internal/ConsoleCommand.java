package org.slapos.cli.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.cli.internal.client.ClientConfiguration;
import org.slapos.cli.internal.client.ClientSession;
import org.slapos.cli.internal.client.ClientSessionFactory;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.slap.api.InstanceRequest;

/**
 * {@code slapos console [--cfg CFG] [-u URL] [-k KEY] [-c CERT] [-i|-b|-p] [script_file]}: a Gogo
 * shell connected to the master, where {@code $slap} (the SLAP connection), {@code request},
 * {@code supply} and {@code product} are at hand, like the original's Python console. With a script
 * file, runs it and exits.
 *
 * <pre>
 * slapos&gt; request product.kvm myuniquekvm [ram=2048]
 * slapos&gt; (request kvm myuniquekvm) getConnectionParameter url
 * slapos&gt; supply kvm mycomputer
 * slapos&gt; $slap registerComputer COMP-1
 * </pre>
 */
@Component(property = {
    SlaposCommand.NAME + "=console",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=open python console with slap library imported"})
public class ConsoleCommand implements SlaposCommand {
  static final String USAGE = """
      usage: slapos console [-h] [--cfg CFG] [-u MASTER_URL] [-k KEY_FILE]
                            [-c CERT_FILE] [-i] [-b] [-p]
                            [script_file]

      open a Gogo console with the slap connection at hand ($slap, request, supply, product)

      positional arguments:
        script_file           Script to run

      optional arguments:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default:
                              $SLAPOS_CLIENT_CONFIGURATION or ~/.slapos/slapos-client.cfg)
        -u MASTER_URL, --master_url MASTER_URL
                              Url of SlapOS Master to use (ignored: [slapos] master_url wins)
        -k KEY_FILE, --key_file KEY_FILE
                              SSL Authorisation key file
        -c CERT_FILE, --cert_file CERT_FILE
                              SSL Authorisation certificate file
        -i, --ipython, -b, --bpython, -p, --python
                              accepted for compatibility; the console is Gogo
      """;

  private final ClientSessionFactory sessions;
  private final CommandProcessor processor;

  @Activate
  public ConsoleCommand(@Reference ClientSessionFactory sessions, @Reference CommandProcessor processor) {
    this.sessions = sessions;
    this.processor = processor;
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    String cfg = null;
    String key = null;
    String cert = null;
    String script = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "-h", "--help" -> {
          context.out().print(USAGE);
          return 0;
        }
        case "--cfg" -> cfg = value(args, ++i, arg);
        case "-u", "--master_url" -> value(args, ++i, arg);
        case "-k", "--key_file" -> key = value(args, ++i, arg);
        case "-c", "--cert_file" -> cert = value(args, ++i, arg);
        case "-i", "--ipython", "-b", "--bpython", "-p", "--python" -> {
          // Python shell flavours: meaningless here, accepted so existing scripts keep working.
        }
        default -> {
          if (arg.startsWith("-") || script != null) {
            throw new CommandFailure(2, "slapos console: error: unrecognized arguments: " + arg);
          }
          script = arg;
        }
      }
    }
    ClientSession client = sessions.open(ClientConfiguration.load(context, cfg, key, cert));
    try (CommandSession session = processor.createSession(context.in(), context.out(), context.err())) {
      bind(session, client);
      if (script != null) {
        Path file = context.workingDirectory().resolve(script);
        session.put("0", file.toString());
        session.execute(Files.readString(file, StandardCharsets.UTF_8));
        return 0;
      }
      return repl(session, context);
    }
  }

  private static String value(List<String> args, int index, String option) throws CommandFailure {
    if (index >= args.size()) {
      throw new CommandFailure(2, "slapos console: error: argument " + option + ": expected one argument");
    }
    return args.get(index);
  }

  private static void bind(CommandSession session, ClientSession client) {
    session.put("slap", client.slap());
    session.put("request", (Function) (s, a) -> {
      if (a.size() < 2) {
        throw new IllegalArgumentException("usage: request SOFTWARE REFERENCE [[key=value ...]] [type]");
      }
      InstanceRequest.Builder request = InstanceRequest.builder(
          client.resolveSoftware(String.valueOf(a.get(0))), String.valueOf(a.get(1)));
      if (a.size() > 2 && a.get(2) instanceof Map<?, ?> parameters) {
        parameters.forEach((k, v) -> request.parameter(String.valueOf(k), v));
      }
      if (a.size() > 3) {
        request.softwareType(String.valueOf(a.get(3)));
      }
      return client.request(request.build());
    });
    session.put("supply", (Function) (s, a) -> {
      if (a.size() < 2) {
        throw new IllegalArgumentException("usage: supply SOFTWARE COMPUTER [available|destroyed]");
      }
      return client.supply(client.resolveSoftware(String.valueOf(a.get(0))), String.valueOf(a.get(1)),
          a.size() > 2 ? String.valueOf(a.get(2)) : "available");
    });
    session.put("product", (Function) (s, a) -> client.product(String.valueOf(a.get(0))));
  }

  private static int repl(CommandSession session, CommandContext context) throws Exception {
    BufferedReader input = new BufferedReader(new InputStreamReader(context.in(), StandardCharsets.UTF_8));
    while (true) {
      context.out().print("slapos> ");
      context.out().flush();
      String line = input.readLine();
      if (line == null || line.trim().equals("exit")) {
        context.out().println();
        return 0;
      }
      if (line.isBlank()) {
        continue;
      }
      try {
        Object result = session.execute(line);
        if (result != null) {
          context.out().println(session.format(result, Converter.INSPECT));
        }
      } catch (Exception e) {
        context.err().println(Application.describe(e));
      }
    }
  }
}
