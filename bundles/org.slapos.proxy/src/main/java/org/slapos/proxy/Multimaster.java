package org.slapos.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.client.tls.ServerTrust;
import org.slapos.slap.marshal.SlapObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwarding of requests to other masters (slap-protocol §3.9): a request for a new instance goes to
 * another master when its SLA names that master, or when its software release is listed for one.
 *
 * <p>Every https connection to another master verifies its certificate (JVM trust store plus the
 * section's {@code ca_file}, host name included) unless the section says
 * {@code insecure_skip_tls_verify = true}, which is logged once. Python's slapproxy verifies nothing.
 */
final class Multimaster {
  private static final Logger LOG = LoggerFactory.getLogger(Multimaster.class);

  /** Entry field: PEM CA certificates trusted for this master besides the JVM's trust store. */
  static final String CA_FILE = "ca_file";
  /** Entry field: {@code true} accepts any server certificate from this master (test set-ups only). */
  static final String INSECURE_SKIP_TLS_VERIFY = "insecure_skip_tls_verify";

  /**
   * One {@code [multimaster/<url>]} section.
   *
   * @param caFile {@link #CA_FILE}, or null
   * @param verifyServerCertificate false when the section sets {@link #INSECURE_SKIP_TLS_VERIFY}
   */
  record Entry(String url, String key, String cert, String caFile, boolean verifyServerCertificate,
      List<String> softwareReleaseList, String computer, String partition) {

    /** A section without TLS settings: verified against the JVM's trust store. */
    Entry(String url, String key, String cert, List<String> softwareReleaseList, String computer, String partition) {
      this(url, key, cert, null, true, softwareReleaseList, computer, partition);
    }

    ServerTrust trust() {
      return verifyServerCertificate ? ServerTrust.verified(caFile == null ? null : Path.of(caFile),
          "CA file of multimaster " + url) : ServerTrust.insecure();
    }
  }

  /** What a forwarded request answered. */
  record Forwarded(SlapObject partition, boolean notReady) {
  }

  private final Map<String, Entry> entries;
  private final String runId;
  private final Duration timeout;
  private final Supplier<SlapConnector> connector;
  private final AtomicBoolean insecureProbeWarned = new AtomicBoolean();

  Multimaster(Map<String, Entry> entries, String runId, Duration timeout, Supplier<SlapConnector> connector) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    this.runId = runId;
    this.timeout = timeout;
    this.connector = connector;
  }

  Map<String, Entry> entries() {
    return entries;
  }

  /** Reads the {@link ProxyConfiguration#MULTIMASTER} entries (one JSON object each). */
  static Map<String, Entry> parse(String[] json) {
    Map<String, Entry> result = new LinkedHashMap<>();
    if (json == null) {
      return result;
    }
    ObjectMapper mapper = new ObjectMapper();
    for (String text : json) {
      if (text == null || text.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = mapper.readTree(text);
      } catch (IOException e) {
        throw new IllegalArgumentException(ProxyConfiguration.MULTIMASTER + ": not a JSON object: " + text, e);
      }
      if (node == null || !node.isObject() || !node.path("url").isTextual() || node.path("url").asText().isEmpty()) {
        throw new IllegalArgumentException(ProxyConfiguration.MULTIMASTER + ": each entry needs a \"url\": " + text);
      }
      List<String> list = new ArrayList<>();
      JsonNode releases = node.path("software_release_list");
      if (releases.isArray()) {
        releases.forEach(r -> {
          if (!r.asText().isBlank()) {
            list.add(r.asText().strip());
          }
        });
      } else if (releases.isTextual()) {
        for (String line : releases.asText().split("\n")) {
          if (!line.isBlank()) {
            list.add(line.strip());
          }
        }
      }
      String url = node.get("url").asText();
      boolean skipVerify = flag(node, INSECURE_SKIP_TLS_VERIFY, url);
      result.put(url, new Entry(url, text(node, "key"), text(node, "cert"), text(node, CA_FILE), !skipVerify,
          List.copyOf(list), text(node, "computer"), text(node, "partition")));
    }
    return result;
  }

  /** A JSON boolean, or a string with Python getboolean's words; absent means false. */
  private static boolean flag(JsonNode node, String field, String url) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    switch (value.asText().strip().toLowerCase(Locale.ROOT)) {
      case "1": case "yes": case "true": case "on":
        return true;
      case "0": case "no": case "false": case "off": case "":
        return false;
      default:
        throw new IllegalArgumentException(ProxyConfiguration.MULTIMASTER + ": " + field + " of " + url
            + " is not a boolean: " + value.asText());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
  }

  /**
   * Whether {@link #target} could name another master for this request: false when the SLA names no
   * master and no section lists the software release. Then {@code target} is null without asking
   * anything, and the caller can skip the work that only forwarding needs.
   */
  boolean mayForward(Object masterUrl, String softwareRelease) {
    if (Frontends.truthy(masterUrl)) {
      return true;
    }
    for (Entry entry : entries.values()) {
      if (entry.softwareReleaseList().contains(softwareRelease)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The master a request for a new instance must go to, or null to allocate it here.
   *
   * @throws HttpFailure 404 when the SLA names a master that is neither this one nor listed
   */
  String target(Exchange exchange, Object masterUrl, String softwareRelease) throws HttpFailure {
    if (Frontends.truthy(masterUrl)) {
      String url = String.valueOf(masterUrl);
      if (!isThisMaster(exchange, url)) {
        if (!entries.containsKey(url)) {
          LOG.warn("External SlapOS Master URL {} is not listed in multimaster list.", url);
          throw HttpFailure.notFound("External SlapOS Master URL " + url + " is not listed in multimaster list.");
        }
        return url;
      }
    }
    for (Entry entry : entries.values()) {
      if (entry.softwareReleaseList().contains(softwareRelease)) {
        return entry.url();
      }
    }
    return null;
  }

  /** Whether {@code url} designates this proxy: the same host and port, or a master with our run id. */
  private boolean isThisMaster(Exchange exchange, String url) {
    if (url.equals("http://" + exchange.host() + ":" + exchange.serverPort() + "/")) {
      return true;
    }
    URI probe;
    try {
      probe = URI.create(url).resolve("/getRunId");
    } catch (IllegalArgumentException e) {
      return false;
    }
    Entry entry = entries.get(url);
    ServerTrust trust = entry == null ? ServerTrust.verified(null, "CA file") : entry.trust();
    try {
      return runId.equals(getRunId(probe, trust));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      LOG.debug("{} is not this master: {}", url, e.toString());
      return false;
    }
  }

  /**
   * GET getRunId, or null when the answer is not 200. A plain connection per call: the probe is rare,
   * and it leaves no client (nor its threads) behind.
   */
  private String getRunId(URI probe, ServerTrust trust) throws IOException, GeneralSecurityException {
    // No proxy, as java.net.http (used for forwarding) does by default.
    HttpURLConnection connection = (HttpURLConnection) probe.toURL().openConnection(Proxy.NO_PROXY);
    if (connection instanceof HttpsURLConnection https) {
      if (!trust.verifies() && insecureProbeWarned.compareAndSet(false, true)) {
        LOG.warn("TLS server certificate verification is turned off for multimaster {} ({} = true): anyone on the "
            + "network path can impersonate it. Logged once.", probe.resolve("/"), INSECURE_SKIP_TLS_VERIFY);
      }
      // The default host name verifier is kept: with it, the JDK checks the name in the handshake.
      https.setSSLSocketFactory(trust.sslContext(null, false).getSocketFactory());
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    connection.setConnectTimeout(millis);
    connection.setReadTimeout(millis);
    try {
      if (connection.getResponseCode() != 200) {
        return null;
      }
      try (InputStream in = connection.getInputStream()) {
        return new String(in.readNBytes(1024), StandardCharsets.UTF_8);
      }
    } finally {
      connection.disconnect();
    }
  }

  /**
   * Forwards a request under the name {@code <requester>_<title>} and keeps the bookkeeping row.
   *
   * @throws HttpFailure 404 for a misconfigured master, 503 without SLAP client, 502 when the other
   *     master fails
   */
  Forwarded forward(String masterUrl, String reference, String softwareRelease, String softwareType, boolean shared,
      Map<String, Object> parameters, Map<String, Object> filter, String state, MasterStore store)
      throws HttpFailure, MasterStoreException {
    Entry entry = entries.get(masterUrl);
    if (entry == null) {
      entry = new Entry(masterUrl, null, null, List.of(), null, null);
    }
    if (masterUrl.startsWith("https") && (entry.key() == null || entry.cert() == null)) {
      String message = "External master " + masterUrl + " configuration did not specify key or certificate.";
      LOG.warn(message);
      throw HttpFailure.notFound(message);
    }
    SlapConnector slapConnector = connector.get();
    if (slapConnector == null) {
      throw new HttpFailure(503, "Cannot forward the request to " + masterUrl + ": no SLAP client is available");
    }
    LOG.info("Forwarding request of {} (state={}) to {}", reference, state, masterUrl);
    // The connector verifies the server with the section's trust, and warns once if told not to.
    ConnectionOptions.Builder options = ConnectionOptions.builder().timeout(timeout)
        .verifyServerCertificate(entry.verifyServerCertificate());
    if (entry.caFile() != null) {
      options.masterCaFile(Path.of(entry.caFile()));
    }
    if (entry.key() != null) {
      options.keyFile(Path.of(entry.key()));
    }
    if (entry.cert() != null) {
      options.certFile(Path.of(entry.cert()));
    }
    Map<String, Object> forwardedFilter = new LinkedHashMap<>(filter);
    ComputerPartition partition;
    try {
      Slap slap = slapConnector.initializeConnection(masterUrl, options.build());
      InstanceRequest.Builder request = InstanceRequest.builder(softwareRelease, reference)
          .softwareType(softwareType).shared(shared).parameters(parameters).state(state);
      if (entry.computer() != null && entry.partition() != null) {
        partition = slap.registerComputerPartition(entry.computer(), entry.partition())
            .request(request.filter(forwardedFilter).build());
      } else {
        forwardedFilter.put("source_instance_id", reference);
        partition = slap.registerOpenOrder().request(request.filter(forwardedFilter).build());
      }
    } catch (SlapException e) {
      LOG.warn("Forwarding {} to {} failed: {}", reference, masterUrl, e.toString());
      throw new HttpFailure(502, "The master " + masterUrl + " refused the forwarded request: " + e.getMessage(), e);
    }
    if ("destroyed".equals(state)) {
      store.removeForwardedRequest(reference, masterUrl);
    } else {
      store.recordForwardedRequest(reference, masterUrl);
    }
    try {
      partition.getId();
    } catch (ResourceNotReady e) {
      return new Forwarded(null, true);
    }
    return new Forwarded(answer(partition, masterUrl, softwareRelease), false);
  }

  /** The remote partition as slapproxy re-marshals it: every attribute, plus where it comes from. */
  private static SlapObject answer(ComputerPartition partition, String masterUrl, String softwareRelease) {
    Map<String, Object> attributes = SlapObjects.fresh(new LinkedHashMap<>(partition.getAttributes()));
    SlapObject answer = SlapObject.computerPartition(partition.getComputerId(), String.valueOf(
        attributes.getOrDefault("_partition_id", attributes.get("slap_computer_partition_id"))));
    answer.state().putAll(attributes);
    answer.put("_connection_helper", null);
    answer.put("_hateoas_navigator", null);
    answer.put("_master_url", masterUrl);
    answer.put("_software_release_document", softwareRelease);
    return answer;
  }
}
