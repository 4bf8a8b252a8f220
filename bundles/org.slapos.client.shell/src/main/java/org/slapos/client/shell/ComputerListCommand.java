package org.slapos.client.shell;

import java.io.PrintStream;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.slap.api.ComputerInformation;
import org.slapos.slap.api.SlapException;

/** {@code slapos computer list}: prints the reference and title of the computers the user sees. */
@Component(service = SlaposCommand.class, property = {
    SlaposCommand.NAME + "=computer list",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=" + ComputerListCommand.SUMMARY})
public final class ComputerListCommand extends ClientCommand {
  static final String SUMMARY = "List all available compute nodes";

  private static final String USAGE = """
      usage: slapos computer list [-h] [--cfg CFG]
      """;

  private static final String HELP = USAGE + """

      List all available compute nodes

      options:
        -h, --help  show this help message and exit
        --cfg CFG   SlapOS configuration file (default: $SLAPOS_CLIENT_CONFIGURATION
                    or ~/.slapos/slapos-client.cfg)
      """;

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos computer list", USAGE, HELP).build();

  @Activate
  public ComputerListCommand(@Reference ClientSessionFactory sessions) {
    super(SYNTAX, sessions);
  }

  @Override
  int run(CommandContext context, Arguments arguments) throws Exception {
    ClientSession session = open(context, arguments);
    Map<String, ComputerInformation> computers;
    try {
      computers = session.slap().getComputerDict();
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
    // The original writes these lines through a logger handler bound to stdout, whatever the verbosity.
    PrintStream out = context.out();
    if (computers.isEmpty()) {
      out.println("No existing computer.");
    } else {
      out.println("List of Computers:");
      computers.forEach((title, computer) -> out.println(computer.reference() + " " + title));
    }
    out.flush();
    return 0;
  }
}
