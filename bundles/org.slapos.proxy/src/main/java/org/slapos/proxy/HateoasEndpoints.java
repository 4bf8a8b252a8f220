package org.slapos.proxy;

import java.nio.charset.StandardCharsets;

import org.slapos.slap.marshal.PyJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slapos.master.api.ComputerRecord;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.SharedInstanceInfo;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.PyJson;

/**
 * The minimal HATEOAS API of slapproxy ({@code /hateoas/}, slap-protocol §3.13): enough for
 * {@code slapos service list|info} and {@code slapos computer list|info}.
 */
final class HateoasEndpoints {
  private static final String SERVICE_LIST = "portal_type:\"Instance Tree\" AND validation_state:validated";
  private static final String SERVICE_INFO = SERVICE_LIST + " AND title:=";
  private static final String COMPUTER_LIST = "portal_type:\"Compute Node\" AND validation_state:validated";
  private static final String COMPUTER_INFO = COMPUTER_LIST + " AND reference:=";
  /** One double-quoted string whose inner quotes are backslash-escaped. */
  private static final Pattern QUOTED = Pattern.compile("\"((\\\\.|[^\\\\\"])*)\"");

  private final MasterStore store;

  HateoasEndpoints(MasterStore store) {
    this.store = store;
  }

  Reply handle(Exchange exchange) throws HttpFailure, MasterStoreException {
    String path = exchange.path();
    if (!exchange.method().equals("GET") && !exchange.method().equals("HEAD")) {
      if (exchange.method().equals("OPTIONS")) {
        return new Reply(200, Reply.HTML, new byte[0], Map.of("Allow", "GET, HEAD, OPTIONS"));
      }
      return Pages.error(405, Pages.METHOD_NOT_ALLOWED).withHeader("Allow", "GET, HEAD, OPTIONS");
    }
    if (path.equals("/hateoas")) {
      // werkzeug's strict slashes: redirect to the canonical URL.
      String query = exchange.query() == null || exchange.query().isEmpty() ? "" : "?" + exchange.query();
      return Pages.redirect(308, exchange.externalScheme() + "://" + exchange.host() + exchange.externalPrefix()
          + "/hateoas/" + query);
    }
    Fields args = new Fields(UrlText.parseForm(exchange.query()));
    if (path.equals("/hateoas/")) {
      String mode = args.optional("mode");
      if (mode == null) {
        return json(root(exchange));
      }
      return switch (mode) {
        case "search" -> search(exchange, args.required("query"));
        case "traverse" -> Pages.redirect(302, UrlText.iriToUri(args.required("relative_url")));
        default -> throw HttpFailure.badRequest("Unhandled mode: " + mode);
      };
    }
    String rest = path.substring("/hateoas/".length());
    int slash = rest.indexOf('/');
    if (slash > 0 && slash < rest.length() - 1 && rest.indexOf('/', slash + 1) < 0) {
      String kind = rest.substring(0, slash);
      String name = rest.substring(slash + 1);
      switch (kind) {
        case "partitions":
          return json(partitionDocument(name));
        case "shared":
          return json(sharedDocument(name));
        case "computers":
          return json(computerDocument(name));
        default:
          break;
      }
    }
    return Pages.error(404, Pages.NOT_FOUND);
  }

  /** As Flask's jsonify writes it: compact, keys sorted, ASCII only, and a final newline. */
  private static Reply json(Object document) {
    return Reply.json(200, (PyJson.compact(document, true) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> root(Exchange exchange) {
    String base = exchange.hostUrl().substring(0, exchange.hostUrl().length() - 1) + exchange.externalPrefix()
        + "/hateoas/";
    return map("_links", map(
        "raw_search", map("href", base + "?mode=search&query={query}&select_list={select_list}"),
        "traverse", map("href", base + "?mode=traverse&relative_url={relative_url}&view={view}")));
  }

  private Reply search(Exchange exchange, String query) throws HttpFailure, MasterStoreException {
    List<Object> contents = null;
    String prefix = exchange.externalPrefix();
    if (query.equals(SERVICE_LIST)) {
      contents = new ArrayList<>(rootPartitions(prefix, null));
      contents.addAll(rootShared(prefix, null));
    } else if (query.startsWith(SERVICE_INFO)) {
      String title = query.substring(SERVICE_INFO.length());
      if (isQuoted(title)) {
        title = stripQuotes(title);
        contents = new ArrayList<>(rootPartitions(prefix, title));
        if (contents.isEmpty()) {
          contents.addAll(rootShared(prefix, title));
        }
      }
    } else if (query.equals(COMPUTER_LIST)) {
      contents = computers(prefix, null);
    } else if (query.startsWith(COMPUTER_INFO)) {
      String reference = query.substring(COMPUTER_INFO.length());
      if (isQuoted(reference)) {
        contents = computers(prefix, stripQuotes(reference));
      }
    }
    if (contents == null) {
      throw HttpFailure.badRequest("Unhandled query: " + query);
    }
    return json(map("_embedded", map("contents", contents)));
  }

  private static boolean isQuoted(String text) {
    Matcher m = QUOTED.matcher(text);
    return m.lookingAt() && m.group(0).equals(text);
  }

  /** Python's {@code str.strip('"')}: escapes are kept as they are. */
  private static String stripQuotes(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == '"') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == '"') {
      end--;
    }
    return text.substring(start, end);
  }

  private List<Object> rootPartitions(String prefix, String title) throws MasterStoreException {
    List<Object> result = new ArrayList<>();
    for (PartitionInfo p : store.rootPartitions(title)) {
      Map<String, Object> row = partitionRow(p);
      row.put("url_string", p.softwareRelease());
      row.put("title", p.title());
      row.put("relative_url", prefix + "/hateoas/partitions/" + UrlText.quotePath(p.title()));
      result.add(row);
    }
    return result;
  }

  /** The partition's database row, as slapproxy returns it. */
  private static Map<String, Object> partitionRow(PartitionInfo p) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("reference", p.reference());
    row.put("computer_reference", p.computerId());
    row.put("slap_state", p.slapState());
    row.put("software_release", p.softwareRelease());
    row.put("xml", p.parameterXml());
    row.put("connection_xml", p.connectionXml());
    row.put("slave_instance_list", p.slaveInstances() == null ? null : Marshal.dumps(SlapObjects.fresh(p.slaveInstances())));
    row.put("software_type", p.softwareType());
    row.put("partition_reference", p.title());
    row.put("requested_by", p.requestedBy());
    row.put("requested_state", p.requestedState());
    row.put("timestamp", p.timestamp());
    return row;
  }

  private List<Object> rootShared(String prefix, String title) throws MasterStoreException {
    List<Object> result = new ArrayList<>();
    for (SharedInstanceInfo s : store.rootSharedInstances(title)) {
      String sharedTitle = s.slave().reference().substring(1);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("url_string", s.host().softwareRelease());
      row.put("title", sharedTitle);
      row.put("relative_url", prefix + "/hateoas/shared/" + UrlText.quotePath(sharedTitle));
      result.add(row);
    }
    return result;
  }

  private List<Object> computers(String prefix, String reference) throws MasterStoreException {
    List<Object> result = new ArrayList<>();
    List<ComputerRecord> computers = reference == null ? store.computers()
        : store.findComputer(reference).map(List::of).orElse(List.of());
    for (ComputerRecord c : computers) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("reference", c.reference());
      row.put("address", c.address());
      row.put("netmask", c.netmask());
      row.put("title", c.reference());
      row.put("relative_url", prefix + "/hateoas/computers/" + UrlText.quotePath(c.reference()));
      result.add(row);
    }
    return result;
  }

  private Map<String, Object> partitionDocument(String title) throws HttpFailure, MasterStoreException {
    Optional<PartitionInfo> found = store.findInstanceByTitle(title);
    if (found.isEmpty()) {
      throw HttpFailure.notFound(Pages.NOT_FOUND);
    }
    PartitionInfo p = found.get();
    return serviceDocument(p.title(), p.requestedState(), p.parameterXml(), p.connectionXml(), p.softwareRelease(),
        p.softwareType(), 0);
  }

  private Map<String, Object> sharedDocument(String title) throws HttpFailure, MasterStoreException {
    List<SharedInstanceInfo> found = store.rootSharedInstances(title);
    if (found.isEmpty()) {
      throw HttpFailure.notFound(Pages.NOT_FOUND);
    }
    SharedInstanceInfo s = found.get(0);
    Map<String, Object> parameters = new LinkedHashMap<>(s.entry());
    parameters.remove("slave_title");
    parameters.remove("slave_reference");
    Object softwareType = parameters.remove("slap_software_type");
    return serviceDocument(title, "unused", InstanceXml.dumps(parameters), s.slave().connectionXml(),
        s.host().softwareRelease(), softwareType, 1);
  }

  private static Map<String, Object> serviceDocument(String reference, String requestedState, String xml,
      String connectionXml, String softwareRelease, Object softwareType, int shared) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("form_id", field("StringField", "form_id", "InstanceTree_viewAsHateoas"));
    view.put("my_reference", field("StringField", "field_my_reference", reference));
    view.put("my_slap_state", field("StringField", "field_my_slap_state", requestedState));
    view.put("my_text_content", field("StringField", "field_my_text_content", xml));
    view.put("my_connection_parameter_list", field("StringField", "field_my_connection_parameter_list", connectionXml));
    view.put("my_url_string", field("StringField", "field_my_url_string", softwareRelease));
    view.put("my_source_reference", field("StringField", "field_my_source_reference", softwareType));
    view.put("my_root_slave", field("IntegerField", "field_my_root_slave", (long) shared));
    return map("_embedded", map("_view", view), "_links", map("type", map("name", "Instance Tree")));
  }

  private Map<String, Object> computerDocument(String reference) throws HttpFailure, MasterStoreException {
    Optional<ComputerRecord> found = store.findComputer(reference);
    if (found.isEmpty()) {
      throw HttpFailure.notFound(Pages.NOT_FOUND);
    }
    String r = found.get().reference();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("form_id", field("StringField", "computer", r));
    view.put("my_reference", field("StringField", "reference", r));
    view.put("my_title", field("StringField", "reference", r));
    return map("_embedded", map("_view", view), "_links", map("type", map("name", "Computer")));
  }

  private static Map<String, Object> field(String type, String key, Object value) {
    return map("type", type, "key", key, "default", value);
  }

  private static Map<String, Object> map(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
