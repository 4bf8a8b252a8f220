package org.slapos.client.shell;

import java.io.PrintStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.slap.api.ComputerInformation;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.SlapException;

/** {@code slapos computer info REFERENCE}: prints a computer's reference and title; exit 2 if unknown. */
@Component(service = SlaposCommand.class, property = {
    SlaposCommand.NAME + "=computer info",
    SlaposCommand.GROUP + "=client",
    SlaposCommand.SUMMARY + "=" + ComputerInfoCommand.SUMMARY})
public final class ComputerInfoCommand extends ClientCommand {
  static final String SUMMARY = "get information of an computer";

  private static final String USAGE = """
      usage: slapos computer info [-h] [--cfg CFG] reference
      """;

  private static final String HELP = USAGE + """

      get information of an computer

      positional arguments:
        reference   Your computer reference

      options:
        -h, --help  show this help message and exit
        --cfg CFG   SlapOS configuration file (default: $SLAPOS_CLIENT_CONFIGURATION
                    or ~/.slapos/slapos-client.cfg)
      """;

  private static final ArgumentSyntax SYNTAX = ClientCommand.syntax("slapos computer info", USAGE, HELP)
      .positional("reference")
      .build();

  @Activate
  public ComputerInfoCommand(@Reference ClientSessionFactory sessions) {
    super(SYNTAX, sessions);
  }

  @Override
  int run(CommandContext context, Arguments arguments) throws Exception {
    String reference = arguments.positional(0);
    ClientSession session = open(context, arguments);
    // The original writes all of these, warnings included, through a logger handler bound to stdout.
    PrintStream out = context.out();
    ComputerInformation computer;
    try {
      computer = session.slap().registerComputer(reference).getInformation();
    } catch (ResourceNotReady e) {
      out.println("Computer does not exist or is not ready yet.");
      out.flush();
      return 2;
    } catch (NotFoundError e) {
      out.println("Computer " + reference + " does not exist.");
      out.flush();
      return 2;
    } catch (SlapException e) {
      throw ClientErrors.failure(e);
    }
    out.println("Computer Reference: " + computer.reference());
    out.println("Computer Title    : " + computer.title());
    out.flush();
    return 0;
  }
}
