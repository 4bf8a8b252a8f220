package org.slapos.slap.client.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slapos.slap.api.ComputerInformation;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ServiceInformation;
import org.slapos.slap.api.SlapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subset of the Master's HATEOAS (ERP5 jIO) API that the SLAP library uses, with the very queries
 * slapos.core's SlapHateoasNavigator builds: root document, raw_search, traverse, form documents.
 */
final class HateoasNavigator {

  private static final Logger LOG = LoggerFactory.getLogger(HateoasNavigator.class);
  /** The form field types whose values jIO (and so slapos) extracts from a form document. */
  private static final Set<String> ALLOWED_FIELD_TYPES =
      Set.of("StringField", "EmailField", "IntegerField", "FloatField", "TextAreaField");
  private static final String INSTANCE_TREES = "portal_type:\"Instance Tree\" AND validation_state:validated";
  private static final String COMPUTE_NODES = "portal_type:\"Compute Node\" AND validation_state:validated";
  /** ERP5's search script returns only 10 rows unless asked; slapos asks for 40. */
  private static final long DEFAULT_LIMIT = 40;

  private final String rootUrl;
  private final MasterConnection connection;
  private final java.util.function.Supplier<ObjectMapper> json;
  private volatile Map<String, Object> rootDocument;

  HateoasNavigator(String rootUrl, MasterConnection connection, java.util.function.Supplier<ObjectMapper> json) {
    this.rootUrl = rootUrl;
    this.connection = connection;
    this.json = json;
  }

  String rootUrl() {
    return rootUrl;
  }

  Map<String, Object> rootDocument() throws SlapException {
    Map<String, Object> document = rootDocument;
    if (document == null) {
      document = fetchJson(rootUrl, Map.of("Cache-Control", "no-cache"));
      if (!document.isEmpty()) {
        rootDocument = document;
      }
    }
    return document;
  }

  private String rootLink(String name) throws SlapException {
    Object href = path(rootDocument(), "_links", name, "href");
    if (!(href instanceof String link)) {
      throw new SlapException("The HATEOAS root document " + rootUrl + " has no " + name + " link");
    }
    return link;
  }

  /** jio_allDocs: a raw_search with the given query variables. */
  List<Map<String, Object>> allDocs(Map<String, Object> query) throws SlapException {
    Map<String, Object> variables = new LinkedHashMap<>(query);
    variables.putIfAbsent("limit", DEFAULT_LIMIT);
    String url = UriTemplate.expand(rootLink("raw_search"), variables);
    Object contents = path(fetchJson(url, Map.of()), "_embedded", "contents");
    List<Map<String, Object>> rows = new ArrayList<>();
    if (contents instanceof List<?> list) {
      for (Object row : list) {
        if (row instanceof Map<?, ?> map) {
          rows.add(stringKeys(map));
        }
      }
    }
    return rows;
  }

  /** jio_get: traverse to a document with the slaposjs_view form and extract its fields. */
  Map<String, Object> get(String relativeUrl) throws SlapException {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("relative_url", relativeUrl);
    variables.put("view", "slaposjs_view");
    String url = UriTemplate.expand(rootLink("traverse"), variables);
    return extractProperties(fetchJson(url, Map.of()));
  }

  /** jIO's extractPropertyFromFormJSON: portal type, parent, and the my_/your_ fields of allowed types. */
  static Map<String, Object> extractProperties(Map<String, Object> formDocument) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("portal_type", path(formDocument, "_links", "type", "name"));
    if (path(formDocument, "_links", "parent", "href") instanceof String parent) {
      String[] segments = parent.split("/", -1);
      data.put("parent_relative_url", segments.length >= 2
          ? segments[segments.length - 2] + "/" + segments[segments.length - 1] : parent);
    }
    if (path(formDocument, "_embedded", "_view") instanceof Map<?, ?> form) {
      for (Map.Entry<?, ?> entry : form.entrySet()) {
        String key = String.valueOf(entry.getKey());
        if (key.startsWith("my_")) {
          key = key.substring(3);
        } else if (key.startsWith("your_")) {
          key = key.substring(5);
        } else {
          continue;
        }
        if (entry.getValue() instanceof Map<?, ?> field && ALLOWED_FIELD_TYPES.contains(field.get("type"))) {
          data.put(key, field.get("default"));
        }
      }
    }
    return data;
  }

  List<Map<String, Object>> instanceTreeList(String title, List<String> selectList) throws SlapException {
    String query = title == null ? INSTANCE_TREES : INSTANCE_TREES + " AND title:=\"" + title + "\"";
    return allDocs(search(query, selectList));
  }

  List<Map<String, Object>> computerList(String title, String reference, List<String> selectList) throws SlapException {
    String query = COMPUTE_NODES;
    if (title != null) {
      query += " AND title:=\"" + title + "\"";
    }
    if (reference != null) {
      query += " AND reference:=\"" + reference + "\"";
    }
    return allDocs(search(query, selectList));
  }

  private static Map<String, Object> search(String query, List<String> selectList) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("query", query);
    variables.put("select_list", selectList);
    return variables;
  }

  /** OpenOrder.getInformation: the root instance of the instance tree titled {@code reference}. */
  ServiceInformation serviceInformation(String reference) throws SlapException {
    String key = null;
    for (Map<String, Object> row : instanceTreeList(reference, List.of("title", "relative_url"))) {
      if (reference.equals(row.get("title")) && row.get("relative_url") != null) {
        key = row.get("relative_url").toString();
        break;
      }
    }
    if (key == null) {
      throw new NotFoundError("Instance " + reference + " does not exist");
    }
    Map<String, Object> data = get(key);
    Map<String, Object> attributes = prefixed(data, Set.of());

    Map<String, Object> parameters = new LinkedHashMap<>();
    if (data.get("text_content") instanceof String xml) {
      parameters = Wire.xml2dict(xml, "the parameters of " + reference);
      if (parameters.size() == 1 && parameters.get("_") instanceof String serialised) {
        // json-in-xml: show the parameters themselves, not the JSON text
        parameters.put("_", decodeJson(serialised));
      }
    }
    Object rawConnection = data.get("connection_parameter_list");
    String state = text(data.get("slap_state"));
    String url = text(data.get("url_string"));
    attributes.put("_parameter_dict", parameters);
    attributes.put("_requested_state", state);
    attributes.put("_connection_dict", rawConnection);
    attributes.put("_software_release_url", url);
    Object title = data.get("title");
    return new ServiceInformation(title == null ? reference : title.toString(), url,
        text(data.get("source_reference")), Document.truthy(data.get("root_slave")), state, parameters,
        connectionParameters(rawConnection, reference), data.get("news"), attributes);
  }

  /** slapproxy sends the connection XML as a string; the Master a list of {connection_key, connection_value}. */
  private static Map<String, Object> connectionParameters(Object raw, String reference) throws SlapException {
    Map<String, Object> connection = new LinkedHashMap<>();
    if (raw instanceof String xml) {
      connection.putAll(Wire.xml2dict(xml, "the connection parameters of " + reference));
    } else if (raw instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> entry && entry.get("connection_key") != null) {
          connection.put(entry.get("connection_key").toString(), entry.get("connection_value"));
        }
      }
    } else if (raw instanceof Map<?, ?> map) {
      connection.putAll(stringKeys(map));
    }
    return connection;
  }

  /** Computer.getInformation: the compute node document whose reference is {@code reference}. */
  Map<String, Object> computerDocument(String reference) throws SlapException {
    String key = null;
    for (Map<String, Object> row : computerList(null, reference, List.of("reference", "relative_url"))) {
      if (reference != null && reference.equals(row.get("reference")) && row.get("relative_url") != null) {
        key = row.get("relative_url").toString();
        break;
      }
    }
    if (key == null) {
      throw new NotFoundError("Computer " + reference + " does not exist");
    }
    return get(key);
  }

  /** slap.getOpenOrderDict: the caller's instance trees by title. */
  Map<String, ServiceInformation> instanceTreeDict() throws SlapException {
    Map<String, ServiceInformation> trees = new LinkedHashMap<>();
    for (Map<String, Object> row : instanceTreeList(null, List.of("title", "url_string"))) {
      Object title = row.get("title");
      if (title == null) {
        continue;
      }
      Map<String, Object> attributes = prefixed(row, Set.of("url_string"));
      String url = text(row.get("url_string"));
      attributes.put("_software_release_url", url);
      trees.put(title.toString(), new ServiceInformation(title.toString(), url, text(row.get("source_reference")),
          Document.truthy(row.get("root_slave")), text(row.get("slap_state")), Map.of(), Map.of(),
          row.get("news"), attributes));
    }
    return Collections.unmodifiableMap(trees);
  }

  /** slap.getComputerDict: the caller's compute nodes by title. */
  Map<String, ComputerInformation> computerDict() throws SlapException {
    Map<String, ComputerInformation> computers = new LinkedHashMap<>();
    for (Map<String, Object> row : computerList(null, null, List.of("title", "reference"))) {
      Object title = row.get("title");
      if (title == null) {
        continue;
      }
      computers.put(title.toString(), new ComputerInformation(text(row.get("reference")), title.toString(),
          prefixed(row, Set.of())));
    }
    return Collections.unmodifiableMap(computers);
  }

  /** Token.request: a node registration token from the Master's computer module. */
  String token() throws SlapException {
    String self = rootLink("self");
    Map<String, Object> answer = fetchJson(self + "/computer_module/Base_getComputerToken", Map.of());
    Object token = answer.get("access_token");
    if (token == null) {
      throw new SlapException("The master answered no access_token");
    }
    return token.toString();
  }

  /** Every field as an attribute named with a leading '_', as the Python objects get them. */
  static Map<String, Object> prefixed(Map<String, Object> data, Set<String> excluded) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    data.forEach((key, value) -> {
      if (!"_links".equals(key) && !excluded.contains(key)) {
        attributes.put("_" + key, value);
      }
    });
    return attributes;
  }

  private Object decodeJson(String text) {
    try {
      return json.get().readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      LOG.debug("Parameter _ is not JSON, kept as text: {}", e.getOriginalMessage());
      return text;
    }
  }

  private Map<String, Object> fetchJson(String url, Map<String, String> headers) throws SlapException {
    String body = connection.getAbsolute(url, headers);
    Object document;
    try {
      document = json.get().readValue(body, Object.class);
    } catch (JsonProcessingException e) {
      throw new SlapException("Malformed HATEOAS document from " + url + ": " + e.getOriginalMessage(), e);
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new SlapException("Malformed HATEOAS document from " + url + ": not a JSON object");
    }
    return stringKeys(map);
  }

  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }

  private static Object path(Object document, String... keys) {
    Object current = document;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
