package org.slapos.proxy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.ComputerInformation;
import org.slapos.master.api.DestroyOutcome;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.RequestOutcome;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.MarshalException;
import org.slapos.slap.marshal.PyRepr;
import org.slapos.slap.marshal.SlapObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slapproxy HTTP API, decoupled from the servlet API: the classic SLAP endpoints at the root
 * (slap-protocol §3.1), {@code /getRunId}, {@code /} and the {@code /hateoas/} subset.
 *
 * <p>Answers are those of the Python slapproxy 1.24, byte for byte, except for the documented
 * deviations (docs/proxy.md): errors that slapproxy turned into a 500 are 400 or 404 with a message.
 */
final class SlapEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(SlapEndpoints.class);

  /** Settings of the front-end. */
  record Settings(Map<String, String> softwareProducts, String runId, int maxRequestBytes) {
    Settings {
      softwareProducts = Map.copyOf(softwareProducts);
    }
  }

  @FunctionalInterface
  private interface Handler {
    Reply handle(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException;
  }

  private record Route(String method, Handler handler) {
  }

  private final MasterStore store;
  private final Multimaster multimaster;
  private final Settings settings;
  private final HateoasEndpoints hateoas;
  private final Map<String, Route> routes = new LinkedHashMap<>();
  /** Marshalled computer information, reused while the store returns the same snapshot. */
  private final Map<String, CachedBody> computerBodies = new ConcurrentHashMap<>();

  private record CachedBody(ComputerInformation information, byte[] body) {
  }

  SlapEndpoints(MasterStore store, Multimaster multimaster, Settings settings) {
    this.store = store;
    this.multimaster = multimaster;
    this.settings = settings;
    this.hateoas = new HateoasEndpoints(store);
    get("getComputerInformation", this::computerInformation);
    get("getFullComputerInformation", this::computerInformation);
    get("registerComputerPartition", this::registerComputerPartition);
    post("setComputerPartitionConnectionXml", this::setConnectionXml);
    post("buildingSoftwareRelease", (e, f) -> Reply.text("Ignored"));
    post("destroyedSoftwareRelease", this::destroyedSoftwareRelease);
    post("availableSoftwareRelease", (e, f) -> Reply.text("Ignored"));
    post("softwareReleaseError", (e, f) -> Reply.text("Ignored"));
    post("softwareInstanceError", (e, f) -> Reply.text("Ignored"));
    post("softwareInstanceBang", this::bang);
    post("startedComputerPartition", (e, f) -> Reply.text("Ignored"));
    post("stoppedComputerPartition", (e, f) -> Reply.text("Ignored"));
    post("destroyedComputerPartition", this::destroyedComputerPartition);
    post("useComputer", (e, f) -> {
      // Ignored as by the original proxy; logged so that an operator (and the node report test) sees it arrive.
      LOG.info("useComputer from {}: {} characters of usage, ignored",
          String.valueOf(f.optional("computer_id")).replaceAll("\\p{Cntrl}", "?"),
          java.util.Objects.toString(f.optional("use_string"), "").length());
      return Reply.text("Ignored");
    });
    post("loadComputerConfigurationFromXML", this::loadComputerConfiguration);
    post("supplySupply", this::supply);
    post("requestComputerPartition", this::request);
    post("softwareInstanceRename", this::rename);
    get("getComputerPartitionStatus", (e, f) -> marshalled(Marshal.dumps("Not implemented.")));
    post("computerBang", (e, f) -> marshalled(Marshal.dumps("")));
    get("getComputerPartitionCertificate", (e, f) -> {
      Map<String, Object> certificate = new LinkedHashMap<>();
      certificate.put("certificate", "");
      certificate.put("key", "");
      return marshalled(Marshal.dumps(certificate));
    });
    get("getSoftwareReleaseListFromSoftwareProduct", this::softwareReleaseListFromProduct);
    get("getRunId", (e, f) -> Reply.text(settings.runId()));
    // Not in slapproxy 1.24 (it answered 404); see docs/proxy.md.
    get("getHateoasUrl", (e, f) -> Reply.text(e.externalScheme() + "://" + e.host() + e.externalPrefix() + "/hateoas/"));
    get("getHostingSubscriptionIpList", this::hostingSubscriptionIpList);
    post("updateComputerPartitionRelatedInstanceList", (e, f) -> Reply.text("done"));
  }

  /** 32 random letters and digits, fixed for the life of the front-end: how a proxy recognises itself. */
  static String newRunId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder id = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  private void get(String name, Handler handler) {
    routes.put("/" + name, new Route("GET", handler));
  }

  private void post(String name, Handler handler) {
    routes.put("/" + name, new Route("POST", handler));
  }

  private static Reply marshalled(String xml) {
    return Reply.text(xml);
  }

  /** Answers one request; never throws. */
  Reply handle(Exchange exchange) {
    try {
      return dispatch(exchange);
    } catch (HttpFailure e) {
      return Pages.error(e.status(), e.getMessage());
    } catch (MasterStoreException e) {
      return storeFailure(e);
    } catch (MarshalException e) {
      LOG.warn("{} {}: cannot marshal the answer: {}", exchange.method(), exchange.path(), e.getMessage());
      return Pages.error(500, Pages.INTERNAL);
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", exchange.method(), exchange.path(), e);
      return Pages.error(500, Pages.INTERNAL);
    }
  }

  static Reply storeFailure(MasterStoreException e) {
    return switch (e.code()) {
      case NOT_FOUND, ALLOCATION_FAILURE -> Pages.error(404, e.getMessage());
      case BAD_REQUEST -> Pages.error(400, e.getMessage());
      case CONFLICT -> Pages.error(409, e.getMessage());
      case STORAGE -> {
        LOG.error("Store failure: {}", e.getMessage(), e);
        yield Pages.error(500, Pages.INTERNAL);
      }
    };
  }

  private Reply dispatch(Exchange exchange) throws HttpFailure, MasterStoreException {
    String path = exchange.path();
    String method = exchange.method();
    if (path.equals("/hateoas") || path.startsWith("/hateoas/")) {
      return hateoas.handle(exchange);
    }
    if (path.equals("/")) {
      return allowed(method, "GET", exchange) ? Pages.redirect(302, exchange.externalPrefix() + "/panel/")
          : methodNotAllowed(method, "GET", exchange);
    }
    Route route = routes.get(path);
    if (route == null) {
      return Pages.error(404, Pages.NOT_FOUND);
    }
    if (!allowed(method, route.method(), exchange)) {
      return methodNotAllowed(method, route.method(), exchange);
    }
    if (method.equals("OPTIONS")) {
      return new Reply(200, Reply.HTML, new byte[0], Map.of("Allow", allow(route.method())));
    }
    Fields fields = route.method().equals("POST")
        ? new Fields(UrlText.parseForm(formBody(exchange)))
        : new Fields(UrlText.parseForm(exchange.query()));
    return route.handler().handle(exchange, fields);
  }

  /** The form body; only url-encoded bodies carry fields (multipart is not used by SLAP clients). */
  private static String formBody(Exchange exchange) {
    String type = exchange.header("content-type");
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return "";
    }
    return new String(exchange.body(), StandardCharsets.UTF_8);
  }

  private static boolean allowed(String method, String routeMethod, Exchange exchange) {
    return method.equals(routeMethod) || method.equals("OPTIONS") || (routeMethod.equals("GET") && method.equals("HEAD"));
  }

  private static String allow(String routeMethod) {
    return routeMethod.equals("GET") ? "GET, HEAD, OPTIONS" : "OPTIONS, POST";
  }

  private static Reply methodNotAllowed(String method, String routeMethod, Exchange exchange) {
    return Pages.error(405, Pages.METHOD_NOT_ALLOWED).withHeader("Allow", allow(routeMethod));
  }

  // ---------------------------------------------------------------------------------------------
  // computers

  private Reply computerInformation(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String computerId = fields.required("computer_id");
    ComputerInformation information = store.computerInformation(computerId);
    CachedBody cached = computerBodies.get(computerId);
    if (cached != null && cached.information() == information) {
      return new Reply(200, Reply.HTML, cached.body(), Map.of());
    }
    byte[] body = Marshal.dumps(SlapObjects.computer(information)).getBytes(StandardCharsets.UTF_8);
    if (computerBodies.size() > 1024) {
      computerBodies.clear();
    }
    computerBodies.put(computerId, new CachedBody(information, body));
    return new Reply(200, Reply.HTML, body, Map.of());
  }

  private Reply registerComputerPartition(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String computerId = fields.required("computer_reference");
    String partitionId = fields.required("computer_partition_reference");
    return marshalled(Marshal.dumps(SlapObjects.partition(store.partition(computerId, partitionId))));
  }

  private Reply loadComputerConfiguration(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    Object decoded = fields.requiredMarshalled("xml");
    Map<?, ?> computer = dictionary(decoded, "xml");
    String reference = string(computer, "reference", "xml", true);
    String address = string(computer, "address", "xml", false);
    String netmask = string(computer, "netmask", "xml", false);
    Object partitionList = require(computer, "partition_list", "xml");
    if (!(partitionList instanceof List<?> list)) {
      throw HttpFailure.badRequest("xml: partition_list must be a list");
    }
    List<ComputerFormat.PartitionFormat> partitions = new ArrayList<>();
    for (Object item : list) {
      Map<?, ?> partition = dictionary(item, "xml: partition_list entry");
      String partitionReference = string(partition, "reference", "xml: partition", true);
      Map<?, ?> tap = dictionary(require(partition, "tap", "xml: partition " + partitionReference),
          "xml: tap of partition " + partitionReference);
      Object tapName = tap.get("name");
      // "or reference": kept for compatibility with webrunner, as slapproxy does.
      String interfaceName = Frontends.truthy(tapName) ? PyRepr.str(tapName) : partitionReference;
      Object addressList = require(partition, "address_list", "xml: partition " + partitionReference);
      if (!(addressList instanceof List<?> addresses)) {
        throw HttpFailure.badRequest("xml: address_list of partition " + partitionReference + " must be a list");
      }
      List<NetworkAddress> networkAddresses = new ArrayList<>();
      for (Object a : addresses) {
        Map<?, ?> entry = dictionary(a, "xml: address of partition " + partitionReference);
        networkAddresses.add(new NetworkAddress(interfaceName,
            string(entry, "addr", "xml: address of partition " + partitionReference, true),
            string(entry, "netmask", "xml: address of partition " + partitionReference, false)));
      }
      partitions.add(new ComputerFormat.PartitionFormat(partitionReference, networkAddresses));
    }
    store.formatComputer(new ComputerFormat(reference, address, netmask, partitions));
    return Reply.text("done");
  }

  private static Map<?, ?> dictionary(Object value, String what) throws HttpFailure {
    if (!(value instanceof Map<?, ?> map)) {
      throw HttpFailure.badRequest(what + " must be a marshalled dictionary");
    }
    return map;
  }

  private static Object require(Map<?, ?> map, String key, String what) throws HttpFailure {
    if (!map.containsKey(key)) {
      throw HttpFailure.badRequest(what + ": missing " + key);
    }
    return map.get(key);
  }

  private static String string(Map<?, ?> map, String key, String what, boolean required) throws HttpFailure {
    Object value = required ? require(map, key, what) : map.get(key);
    if (value == null) {
      if (required) {
        throw HttpFailure.badRequest(what + ": " + key + " must not be None");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      throw HttpFailure.badRequest(what + ": " + key + " must be a string");
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // software

  private Reply supply(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String url = fields.required("url");
    String computerId = fields.required("computer_id");
    String state = fields.required("state");
    store.supply(computerId, url, state);
    return Reply.text("Supplied " + PyRepr.repr(url) + " to be " + state);
  }

  private Reply destroyedSoftwareRelease(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String computerId = fields.required("computer_id");
    String url = fields.required("url");
    store.softwareReleaseDestroyed(computerId, url);
    return Reply.text("OK");
  }

  private Reply softwareReleaseListFromProduct(Exchange exchange, Fields fields) throws HttpFailure {
    String product = fields.optional("software_product_reference");
    String url = fields.optional("software_release_url");
    if (url != null && !url.isEmpty()) {
      if (product != null) {
        throw HttpFailure.badRequest("Give software_product_reference or software_release_url, not both");
      }
      throw HttpFailure.badRequest("software_release_url parameter is not supported yet.");
    }
    if (product == null) {
      throw HttpFailure.badRequest("Missing field software_product_reference");
    }
    List<Object> urls = new ArrayList<>();
    String found = settings.softwareProducts().get(product);
    if (found != null) {
      urls.add(found);
    }
    return marshalled(Marshal.dumps(urls));
  }

  // ---------------------------------------------------------------------------------------------
  // partitions

  private Reply setConnectionXml(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String slaveReference = fields.optional("slave_reference");
    String partitionId = fields.required("computer_partition_id");
    String computerId = fields.required("computer_id");
    Map<String, Object> parameters = stringKeyed(fields.requiredMarshalled("connection_xml"), "connection_xml");
    if (slaveReference != null && (slaveReference.isEmpty() || slaveReference.equals("None"))) {
      slaveReference = null;
    }
    store.setConnectionParameters(computerId, partitionId, parameters, slaveReference);
    return Reply.text("done");
  }

  private static Map<String, Object> stringKeyed(Object value, String field) throws HttpFailure {
    Map<?, ?> map = dictionary(value, field);
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw HttpFailure.badRequest(field + ": parameter names must be strings, got " + PyRepr.repr(e.getKey()));
      }
      result.put(key, e.getValue());
    }
    return result;
  }

  private Reply bang(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String computerId = fields.required("computer_id");
    String partitionId = fields.required("computer_partition_id");
    store.bang(computerId, partitionId);
    return Reply.text("OK");
  }

  private Reply destroyedComputerPartition(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String partitionId = fields.required("computer_partition_id");
    String computerId = fields.required("computer_id");
    DestroyOutcome outcome = store.partitionDestroyed(computerId, partitionId);
    return switch (outcome.status()) {
      case FREED -> Reply.text("OK");
      case UNKNOWN_PARTITION -> Reply.text(unknownPartition(partitionId, computerId));
      case CHILDREN_PENDING -> Reply.text("Not destroying yet because this partition has child partitions: "
          + String.join(", ", outcome.children()));
    };
  }

  private static String unknownPartition(String partitionId, String computerId) {
    return "Unknown partition " + PyRepr.repr(partitionId) + " on " + PyRepr.repr(computerId);
  }

  private Reply rename(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String newName = fields.required("new_name");
    String partitionId = fields.required("computer_partition_id");
    String computerId = fields.required("computer_id");
    if (!store.rename(computerId, partitionId, newName)) {
      return Reply.text(unknownPartition(partitionId, computerId));
    }
    return Reply.text("done");
  }

  private Reply hostingSubscriptionIpList(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String computerId = fields.required("computer_id");
    String partitionId = fields.required("computer_partition_id");
    return marshalled(Marshal.dumps(SlapObjects.ipList(store.instanceTreeAddresses(computerId, partitionId))));
  }

  // ---------------------------------------------------------------------------------------------
  // request

  private Reply request(Exchange exchange, Fields fields) throws HttpFailure, MasterStoreException {
    String requesterPartition = fields.optional("computer_partition_id");
    String requesterComputer = fields.optional("computer_id");
    String softwareRelease = fields.required("software_release");
    String softwareType = fields.required("software_type");
    String title = fields.required("partition_reference");
    // slapproxy documents these three as optional; 1.24 answered 500 without them (§3.5).
    Map<String, Object> parameters = stringKeyed(fields.marshalled("partition_parameter_xml", Map.of()),
        "partition_parameter_xml");
    Map<String, Object> filter = stringKeyed(fields.marshalled("filter_xml", Map.of()), "filter_xml");
    Object stateValue = fields.requiredMarshalled("state");
    boolean shared = Frontends.truthy(fields.marshalled("shared_xml", Boolean.FALSE));
    String state = state(stateValue);
    String computerGuid = optionalString(filter, "computer_guid");
    String instanceGuid = optionalString(filter, "instance_guid");
    Object masterUrl = filter.get("master_url");
    if (masterUrl != null && !(masterUrl instanceof String)) {
      throw HttpFailure.badRequest("filter_xml: master_url must be a string");
    }
    boolean fromPartition = requesterPartition != null && requesterComputer != null;
    InstanceRequestSpec spec = new InstanceRequestSpec(fromPartition ? requesterComputer : null,
        fromPartition ? requesterPartition : null, softwareRelease, softwareType, title, shared, parameters,
        computerGuid, instanceGuid, state);

    if (shared && multimaster.target(exchange, masterUrl, softwareRelease) == null) {
      SlapObject fake = Frontends.bypass(exchange, softwareRelease, softwareType, parameters);
      if (fake != null) {
        LOG.warn("Bypassing frontend for {} => {}", title, fake.get("_partition_id"));
        return marshalled(Marshal.dumps(fake));
      }
    }
    // Only a request that could be forwarded needs to know first whether the instance exists here:
    // the common case makes one store call, not two.
    if (multimaster.mayForward(masterUrl, softwareRelease) && !store.instanceExists(spec)) {
      String target = multimaster.target(exchange, masterUrl, softwareRelease);
      if (target != null) {
        String requesterId = requesterPartition != null ? requesterPartition : "user";
        Multimaster.Forwarded forwarded = multimaster.forward(target, requesterId + "_" + title, softwareRelease,
            softwareType, shared, parameters, filter, state, store);
        if (forwarded.notReady()) {
          return Pages.error(408, "Resource not ready");
        }
        return marshalled(Marshal.dumps(forwarded.partition()));
      }
    }
    RequestOutcome outcome = store.request(spec);
    return marshalled(Marshal.dumps(SlapObjects.requestAnswer(outcome)));
  }

  private static String state(Object value) throws HttpFailure {
    if (value == null) {
      return null;
    }
    if (value instanceof String s
        && (s.equals("started") || s.equals("stopped") || s.equals("destroyed"))) {
      return s;
    }
    throw HttpFailure.badRequest("state must be None, 'started', 'stopped' or 'destroyed', got "
        + PyRepr.repr(value));
  }

  private static String optionalString(Map<String, Object> filter, String key) throws HttpFailure {
    Object value = filter.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw HttpFailure.badRequest("filter_xml: " + key + " must be a string, got " + PyRepr.repr(value));
    }
    return s;
  }
}
