package org.slapos.client.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slapos.slap.api.InstanceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON description of a Software Release, {@code <software_url>.json} (slapos.core's
 * {@code SoftwareReleaseSchema}): which serialisation its instance parameters use, globally or per
 * software type, and where the request schema is. Every problem is a warning on the
 * {@code slapos} logger, logged once, because a missing or broken schema must never prevent a
 * request. Local paths and {@code file://} URLs are read from disk, http(s) URLs fetched with a
 * timeout. One instance per command run.
 */
final class SoftwareReleaseSchema {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.LOGGER_NAME);

  /** Before 1.13 the default software type was called this; schemas only know "default". */
  private static final String OLD_DEFAULT_SOFTWARE_TYPE = "RootSoftwareInstance";

  /** How instance parameters travel. */
  enum Serialisation {
    XML("xml"), JSON_IN_XML("json-in-xml");

    private final String value;

    Serialisation(String value) {
      this.value = value;
    }

    String value() {
      return value;
    }

    static Optional<Serialisation> of(Object value) {
      for (Serialisation s : values()) {
        if (s.value.equals(value)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  /** The strict serialisation lookup failed: the schema does not say which one to use. */
  static final class UndefinedSerialisation extends Exception {
    private static final long serialVersionUID = 1L;

    UndefinedSerialisation(String message) {
      super(message);
    }
  }

  private final String softwareUrl;
  private final String softwareType;
  private final Path workingDirectory;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();
  private final Set<String> warned = new HashSet<>();
  private Optional<Object> softwareSchema;

  SoftwareReleaseSchema(String softwareUrl, String softwareType, Path workingDirectory, Duration timeout) {
    this.softwareUrl = softwareUrl;
    this.softwareType = softwareType == null || softwareType.isEmpty() || softwareType.equals(OLD_DEFAULT_SOFTWARE_TYPE)
        ? InstanceRequest.DEFAULT_SOFTWARE_TYPE : softwareType;
    this.workingDirectory = workingDirectory;
    this.timeout = timeout;
  }

  String softwareType() {
    return softwareType;
  }

  /** The non-strict lookup: json-in-xml when the schema does not say. */
  Serialisation serialisation() {
    try {
      return strictSerialisation();
    } catch (UndefinedSerialisation e) {
      return Serialisation.JSON_IN_XML;
    }
  }

  /**
   * The serialisation declared by the software type's entry, else by the whole schema.
   *
   * @throws UndefinedSerialisation when the schema cannot be read or declares none (or an unknown one)
   */
  Serialisation strictSerialisation() throws UndefinedSerialisation {
    Map<?, ?> typeSchema = softwareTypeSchema().orElse(null);
    Object holder = typeSchema != null && typeSchema.containsKey("serialisation") ? typeSchema : softwareSchema().orElse(null);
    if (holder == null) {
      throw new UndefinedSerialisation("cannot read the software release schema " + softwareUrl + ".json");
    }
    Object declared = holder instanceof Map<?, ?> map ? map.get("serialisation") : null;
    Optional<Serialisation> serialisation = Serialisation.of(declared);
    if (serialisation.isEmpty()) {
      String problem = declared == null ? "KeyError: 'serialisation'"
          : "ValueError: " + PythonRepr.of(declared) + " is not a valid SoftwareReleaseSerialisation";
      warn("Invalid or undefined serialisation for software type " + PythonRepr.str(softwareType)
          + " of software release " + softwareUrl + " (" + problem + ")");
      throw new UndefinedSerialisation(softwareUrl + ".json defines no valid serialisation for software type "
          + PythonRepr.str(softwareType) + " (" + problem + ")");
    }
    return serialisation.get();
  }

  /**
   * What slapos.core does before validating request parameters: finds the software type's
   * {@code request} schema and reads it, warning when that fails. The JSON-Schema validation
   * itself is not performed (see docs/cli-client-commands.md).
   */
  void checkRequestParameters() {
    Map<?, ?> typeSchema = softwareTypeSchema().orElse(null);
    if (typeSchema == null) {
      return;
    }
    Object request = typeSchema.get("request");
    if (!(request instanceof String relative)) {
      warn("Error validating request parameters against schema definition:\nKeyError 'request'");
      return;
    }
    String schemaUrl = resolveAgainstSoftwareUrl(relative);
    if (readJson(schemaUrl).isPresent()) {
      LOG.debug("Request parameters are not validated against {}: JSON Schema validation is not implemented",
          schemaUrl);
    }
  }

  private Optional<Object> softwareSchema() {
    if (softwareSchema == null) {
      softwareSchema = readJson(softwareUrl + ".json");
    }
    return softwareSchema;
  }

  private Optional<Map<?, ?>> softwareTypeSchema() {
    Optional<Object> schema = softwareSchema();
    if (schema.isEmpty()) {
      return Optional.empty();
    }
    Object types = schema.get() instanceof Map<?, ?> map ? map.get("software-type") : null;
    if (!(types instanceof Map<?, ?> typeMap)) {
      warnNoSchema("'software-type'");
      return Optional.empty();
    }
    Object typeSchema = typeMap.get(softwareType);
    if (!(typeSchema instanceof Map<?, ?> found)) {
      warnNoSchema(PythonRepr.str(softwareType));
      return Optional.empty();
    }
    return Optional.of(found);
  }

  private void warnNoSchema(String missingKey) {
    warn("No schema defined for software type " + PythonRepr.str(softwareType) + " of software release "
        + softwareUrl + " (KeyError: " + missingKey + ")");
  }

  /** urljoin(software_url, relative), for URLs and plain paths alike. */
  private String resolveAgainstSoftwareUrl(String relative) {
    try {
      return new URI(softwareUrl).resolve(new URI(relative)).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      Path base = Path.of(softwareUrl).getParent();
      return base == null ? relative : base.resolve(relative).toString();
    }
  }

  private Optional<Object> readJson(String url) {
    try {
      String text;
      if (url.startsWith("http://") || url.startsWith("https://")) {
        text = download(url);
      } else {
        String path = url.startsWith("file://") ? url.substring("file://".length()) : url;
        text = Files.readString(workingDirectory.resolve(path));
      }
      return Optional.ofNullable(json.readValue(text, Object.class));
    } catch (NoSuchFileException e) {
      warnUnreadable(url, "FileNotFoundError", "No such file or directory: " + PythonRepr.str(e.getFile()));
    } catch (IOException | RuntimeException e) {
      String detail = e.getMessage() == null || e.getMessage().isBlank()
          ? (e.getCause() == null ? "" : e.getCause().toString()) : e.getMessage();
      warnUnreadable(url, e.getClass().getSimpleName(), detail);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      warnUnreadable(url, "InterruptedException", "interrupted");
    }
    return Optional.empty();
  }

  private String download(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP Error " + response.statusCode() + " for " + url);
    }
    return response.body();
  }

  private void warnUnreadable(String url, String kind, String detail) {
    warn("Unable to load JSON " + url + " (" + kind + ": " + detail.strip().replaceAll("\\s*\\R\\s*", " ") + ")");
  }

  /** Python shows each distinct warning once; so do we. */
  private void warn(String message) {
    if (warned.add(message)) {
      LOG.warn(message);
    }
  }
}
