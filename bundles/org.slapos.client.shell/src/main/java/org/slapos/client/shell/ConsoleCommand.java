package org.slapos.client.shell;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
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
      """;

  static final String HELP = USAGE + """

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

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos console", USAGE, HELP)
      .option(Arity.ONE, "-u", "--master_url")
      .option(Arity.ONE, "-k", "--key_file")
      .option(Arity.ONE, "-c", "--cert_file")
      .option(Arity.FLAG, "-i", "--ipython")
      .option(Arity.FLAG, "-b", "--bpython")
      .option(Arity.FLAG, "-p", "--python")
      .optionalPositional("script_file")
      .build();

  private final ClientSessionFactory sessions;
  private final CommandProcessor processor;

  @Activate
  public ConsoleCommand(@Reference ClientSessionFactory sessions, @Reference CommandProcessor processor) {
    this.sessions = sessions;
    this.processor = processor;
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
    // -u is ignored as in the original ([slapos] master_url wins); -i/-b/-p pick a Python shell
    // there, meaningless here: accepted so that existing scripts keep working.
    ClientSession client = sessions.open(ClientConfiguration.load(context, arguments.value(ClientCommand.CFG),
        arguments.value("key_file"), arguments.value("cert_file")));
    String script = arguments.positional(0);
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
        context.err().println(describe(e));
      }
    }
  }

  /** One line for a failed console line: the exception type (without package) and message. */
  private static String describe(Exception e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message.lines().findFirst().orElse("");
  }
}
