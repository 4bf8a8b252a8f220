package org.slapos.slap.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapException;

/** A scripted plain-HTTP master per test, and a connector with an empty environment. */
abstract class MasterTestSupport {

  ScriptedMaster master;
  HttpSlapConnector connector;

  @BeforeEach
  void startMaster() throws IOException {
    master = ScriptedMaster.http();
    connector = new HttpSlapConnector(environment());
  }

  @AfterEach
  void stopMaster() {
    master.close();
    connector.deactivate();
  }

  Map<String, String> environment() {
    return Map.of();
  }

  Slap connect() throws SlapException {
    return connector.initializeConnection(master.url(), ConnectionOptions.defaults());
  }

  static String resource(String name) {
    try (InputStream in = MasterTestSupport.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String wire(String name) {
    return resource("wire/" + name);
  }

  /** The fields of a form body or query string, decoded, in order. */
  static Map<String, String> fields(String encoded) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      int equals = pair.indexOf('=');
      fields.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }
}
