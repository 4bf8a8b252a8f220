package org.slapos.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slapos.command.api.SlaposCommand;
import org.slapos.slap.client.internal.HttpSlapConnector;

/** Help and usage errors, compared with what Python 3.11 argparse prints for the original parsers. */
class CommandSyntaxTest {
  private static final String REQUEST_USAGE = """
      usage: slapos request [-h] [--cfg CFG] [--node NODE [NODE ...]] [--type TYPE]
                            [--state STATE] [--slave]
                            [--force-serialisation {xml,json-in-xml}]
                            [--parameters PARAMETERS [PARAMETERS ...] |
                            --parameters-file PARAMETERS_FILE]
                            reference software_url
      """;

  @TempDir
  Path home;

  private final ClientSessionFactory sessions = new ClientSessionFactory(new HttpSlapConnector());

  private TestContext run(SlaposCommand command, int expectedExit, String... args) throws Exception {
    TestContext context = new TestContext(home, home);
    assertEquals(expectedExit, command.run(context, List.of(args)), context.stderr());
    return context;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | the following arguments are required: reference, software_url",
      "ref | the following arguments are required: software_url",
      "ref url extra x | unrecognized arguments: extra x",
      "ref url --foo | unrecognized arguments: --foo",
      "ref url -x | unrecognized arguments: -x",
      "ref url --type | argument --type: expected one argument",
      "ref url --type --slave | argument --type: expected one argument",
      "ref url --type -x | argument --type: expected one argument",
      "ref url --node | argument --node: expected at least one argument",
      "ref url --force-serialisation foo | argument --force-serialisation: invalid choice: 'foo' (choose from 'xml', 'json-in-xml')",
      "ref url --parameters-file /nonexistent.json | argument --parameters-file: can't open '/nonexistent.json': [Errno 2] No such file or directory: '/nonexistent.json'",
      "--node a=1 ref url | the following arguments are required: reference, software_url",
      "ref url --param x | ambiguous option: --param could match --parameters, --parameters-file",
      "ref url --slave=1 | argument --slave: ignored explicit argument '1'",
      "ref url --node a=-1 -1=b | unrecognized arguments: -1=b",
  })
  void requestUsageErrorsAreArgparseErrors(String args, String message) throws Exception {
    String[] words = args.isEmpty() ? new String[0] : args.split(" ");
    TestContext context = run(new RequestCommand(sessions), 2, words);
    assertEquals(REQUEST_USAGE + "slapos request: error: " + message + "\n", context.stderr());
    assertEquals("", context.stdout());
  }

  @Test
  void valuesThatArgparseAcceptsReachTheCommand() throws Exception {
    // Parsing succeeded when the command goes on to read its (absent) configuration file.
    for (List<String> args : List.of(List.of("ref", "url", "--type", ""), List.of("ref", "url", "--state=-1"),
        List.of("ref", "url", "--state", "-1"), List.of("--ty", "t", "ref", "url", "--sl"),
        List.of("ref", "--type", "a=b", "--", "url"))) {
      TestContext context = new TestContext(home, home);
      org.slapos.command.api.CommandFailure failure = org.junit.jupiter.api.Assertions.assertThrows(
          org.slapos.command.api.CommandFailure.class, () -> new RequestCommand(sessions).run(context, args),
          args + " " + context.stderr());
      assertEquals("Configuration file does not exist: " + home.resolve(".slapos/slapos-client.cfg"),
          failure.getMessage(), args.toString());
    }
  }

  @Test
  void parametersAndParametersFileAreExclusive() throws Exception {
    Path file = java.nio.file.Files.writeString(home.resolve("p.json"), "{}");
    TestContext context = run(new RequestCommand(sessions), 2, "ref", "url", "--parameters", "a=1",
        "--parameters-file", file.toString());
    assertEquals(REQUEST_USAGE
        + "slapos request: error: argument --parameters-file: not allowed with argument --parameters\n",
        context.stderr());
  }

  @Test
  void requestHelpIsArgparseHelp() throws Exception {
    TestContext context = run(new RequestCommand(sessions), 0, "ref", "--help");
    assertEquals(REQUEST_USAGE + """

        request an instance and get status and parameters of instance

        positional arguments:
          reference             Your instance reference (for now it is its title)
          software_url          Your software url

        options:
          -h, --help            show this help message and exit
          --cfg CFG             SlapOS configuration file (default:
                                $SLAPOS_CLIENT_CONFIGURATION or ~/.slapos/slapos-
                                client.cfg)
          --node NODE [NODE ...]
                                Node request option 'option1=value1 option2=value2'
                                (i.e. computer_guid=COMP-1234)
          --type TYPE           Software type to be requested
          --state STATE         State of the requested instance
          --slave               Ask for a slave instance
          --force-serialisation {xml,json-in-xml}
                                Enforce serialisation of instance parameters when
                                using --parameters-file
          --parameters PARAMETERS [PARAMETERS ...]
                                Instance parameters, in the form 'option1=value1
                                option2=value2'.
          --parameters-file PARAMETERS_FILE
                                Instance parameters, in a file. The file will be
                                interpreted as json, yaml or xml depending on the file
                                extension.
        """, context.stdout());
    assertEquals("", context.stderr());
  }

  @Test
  void otherCommandsPrintTheirHelpAndErrors() throws Exception {
    assertEquals("""
        usage: slapos supply [-h] [--cfg CFG] software_url node

        supply a Software to a node

        positional arguments:
          software_url  Your software url
          node          Target node

        options:
          -h, --help    show this help message and exit
          --cfg CFG     SlapOS configuration file (default:
                        $SLAPOS_CLIENT_CONFIGURATION or ~/.slapos/slapos-client.cfg)
        """, run(new SupplyCommand(sessions), 0, "-h").stdout());
    assertEquals("usage: slapos supply [-h] [--cfg CFG] software_url node\n"
        + "slapos supply: error: the following arguments are required: node\n",
        run(new SupplyCommand(sessions), 2, "a").stderr());
    assertEquals("usage: slapos remove [-h] [--cfg CFG] software_url node\n"
        + "slapos remove: error: the following arguments are required: software_url, node\n",
        run(new RemoveCommand(sessions), 2).stderr());
    assertEquals("usage: slapos service info [-h] [--cfg CFG] [--news] reference\n"
        + "slapos service info: error: the following arguments are required: reference\n",
        run(new ServiceInfoCommand(sessions), 2).stderr());
    assertEquals("usage: slapos service list [-h] [--cfg CFG]\n"
        + "slapos service list: error: unrecognized arguments: x\n",
        run(new ServiceListCommand(sessions), 2, "x").stderr());
    assertEquals("usage: slapos computer list [-h] [--cfg CFG]\n"
        + "slapos computer list: error: argument --cfg: expected one argument\n",
        run(new ComputerListCommand(sessions), 2, "--cfg").stderr());
    assertEquals("usage: slapos computer info [-h] [--cfg CFG] reference\n"
        + "slapos computer info: error: unrecognized arguments: b\n",
        run(new ComputerInfoCommand(sessions), 2, "a", "b").stderr());
    assertEquals("""
        usage: slapos service info [-h] [--cfg CFG] [--news] reference

        get status, software_release and parameters of an instance

        positional arguments:
          reference   Your instance reference (for now it is its title)

        options:
          -h, --help  show this help message and exit
          --cfg CFG   SlapOS configuration file (default: $SLAPOS_CLIENT_CONFIGURATION
                      or ~/.slapos/slapos-client.cfg)
          --news      Include raw news in output
        """, run(new ServiceInfoCommand(sessions), 0, "--he").stdout());
  }
}
