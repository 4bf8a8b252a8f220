package org.slapos.master.shell;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreInspector;
import org.slapos.master.api.MasterStoreInspector.View;
import org.slapos.master.api.StoreTable;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.MarshalException;
import org.slapos.slap.marshal.PyRepr;

/**
 * {@code slapos proxy show}: prints the proxy database's tables as the Python command does (no pager).
 * It reads the file directly, whether a proxy is running on it or not.
 */
@Component(property = {
    SlaposCommand.NAME + "=proxy show",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=display proxy instances and parameters"})
public final class ProxyShowCommand implements SlaposCommand {

  private static final String USAGE = """
      usage: slapos proxy show [-h] [--cfg CFG] [-u DATABASE_URI] [--computers]
                               [--software] [--partitions] [--slaves] [--params]
                               [--network]
      """;
  private static final String HELP = USAGE + """

      display proxy instances and parameters

      options:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default:
                              $SLAPOS_CONFIGURATION or /etc/opt/slapos/slapos.cfg)
        -u DATABASE_URI, --database-uri DATABASE_URI
                              URI for sqlite database
        --computers           view computer information
        --software            view software releases
        --partitions          view partitions
        --slaves              view slave instances
        --params              view published parameters
        --network             view network settings
      """;

  static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos proxy show", USAGE, HELP)
      .option(Arity.ONE, "--cfg")
      .option(Arity.ONE, "-u", "--database-uri")
      .option(Arity.FLAG, "--computers")
      .option(Arity.FLAG, "--software")
      .option(Arity.FLAG, "--partitions")
      .option(Arity.FLAG, "--slaves")
      .option(Arity.FLAG, "--params")
      .option(Arity.FLAG, "--network")
      .build();

  private static final List<String> SECTIONS = List.of("computers", "software", "partitions", "slaves", "params",
      "network");

  private final MasterStoreInspector inspector;

  @Activate
  public ProxyShowCommand(@Reference MasterStoreInspector inspector) {
    this.inspector = inspector;
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
    Map<String, String> commandLine = new LinkedHashMap<>();
    commandLine.put("database_uri", arguments.value("database_uri"));
    ProxyConfigFile file = ProxyConfigFile.load(context, arguments.value("cfg"), commandLine);
    Path database = file.database(context);
    List<String> selected = new ArrayList<>();
    for (String section : SECTIONS) {
      if (arguments.flag(section)) {
        selected.add(section);
      }
    }
    if (selected.isEmpty()) {
      selected.addAll(SECTIONS);
    }
    PrintStream out = context.out();
    out.println("Using database: " + file.get("database_uri"));
    try {
      for (int i = 0; i < selected.size(); i++) {
        for (String line : section(selected.get(i), database)) {
          out.println(line);
        }
        if (i < selected.size() - 1) {
          out.println(" ");
        }
      }
    } catch (MasterStoreException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    out.flush();
    return 0;
  }

  List<String> section(String name, Path database) throws MasterStoreException {
    return switch (name) {
      case "computers" -> table(inspector.read(database, View.COMPUTERS));
      case "software" -> table(inspector.read(database, View.SOFTWARE));
      case "partitions" -> table(inspector.read(database, View.PARTITIONS));
      case "slaves" -> table(inspector.read(database, View.SLAVES));
      case "params" -> parameters(inspector.read(database, View.PARAMETERS));
      case "network" -> network(inspector.read(database, View.NETWORK));
      default -> throw new IllegalArgumentException(name);
    };
  }

  static List<String> table(StoreTable table) {
    List<String> lines = new ArrayList<>();
    if (table.rows().isEmpty()) {
      lines.add("table " + table.name() + ": empty");
      return lines;
    }
    lines.add(table.skippedColumns().isEmpty() ? "table " + table.name()
        : "table " + table.name() + ": skipping " + String.join(", ", table.skippedColumns()));
    List<List<String>> rows = new ArrayList<>();
    for (List<Object> row : table.rows()) {
      List<String> cells = new ArrayList<>();
      for (Object value : row) {
        cells.add(value == null ? "-" : text(value));
      }
      rows.add(cells);
    }
    lines.addAll(PrettyTable.lines(table.columns(), rows));
    return lines;
  }

  /** Python's {@code str()} of a database value. */
  static String text(Object value) {
    if (value instanceof Double d) {
      return PyRepr.floatRepr(d);
    }
    return String.valueOf(value);
  }

  static List<String> parameters(StoreTable table) {
    List<String> lines = new ArrayList<>();
    for (List<Object> row : table.rows()) {
      Object xml = row.get(3);
      if (xml == null || xml.toString().isEmpty()) {
        continue;
      }
      lines.add(row.get(0) + ": " + pyStr(row.get(1)) + " (type " + pyStr(row.get(2)) + ")");
      Map<String, String> parameters;
      try {
        parameters = InstanceXml.loads(xml.toString());
      } catch (MarshalException e) {
        lines.add("    (unreadable connection parameters: " + e.getMessage() + ")");
        continue;
      }
      for (Map.Entry<String, String> e : parameters.entrySet()) {
        String name = e.getKey();
        String text = e.getValue();
        if (text != null && !text.isEmpty() && (name.equals("ssh-key") || name.equals("ssh-public-key"))) {
          text = text.substring(0, Math.min(20, text.length())) + "..." + text.substring(Math.max(0, text.length() - 20));
        }
        if (name.equals("_") && text != null) {
          String json = PythonJson.reindent(text);
          if (json != null) {
            List<String> stripped = new ArrayList<>();
            for (String line : json.split("\n", -1)) {
              stripped.add(line.stripTrailing());
            }
            text = String.join("\n", stripped);
          }
        }
        lines.add("    " + name + " = " + (text == null ? "None" : text));
      }
    }
    return lines;
  }

  private static String pyStr(Object value) {
    return value == null ? "None" : value.toString();
  }

  static List<String> network(StoreTable table) {
    Map<String, List<String>> addresses = new TreeMap<>(PyRepr.CODE_POINT_ORDER);
    for (List<Object> row : table.rows()) {
      addresses.computeIfAbsent(pyStr(row.get(0)), k -> new ArrayList<>()).add(pyStr(row.get(1)));
    }
    List<String> lines = new ArrayList<>();
    addresses.forEach((reference, list) -> lines.add(reference + ": " + String.join(", ", list)));
    return lines;
  }
}
