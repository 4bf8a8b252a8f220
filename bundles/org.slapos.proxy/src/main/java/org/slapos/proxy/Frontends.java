package org.slapos.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slapos.slap.marshal.PyRepr;
import org.slapos.slap.marshal.SlapObject;

/**
 * slapproxy cannot deploy frontends, so it answers the two common shared frontend requests with a
 * fake partition that points straight at the backend (slap-protocol §3.5 step 1). Nothing is stored.
 */
final class Frontends {
  static final String APACHE_FRONTEND =
      "http://git.erp5.org/gitweb/slapos.git/blob_plain/HEAD:/software/apache-frontend/software.cfg";
  static final String KVM =
      "http://git.erp5.org/gitweb/slapos.git/blob_plain/refs/tags/slapos-0.92:/software/kvm/software.cfg";

  private Frontends() {
  }

  /** The fake partition for a bypassed frontend, or null when the request is not one. */
  static SlapObject bypass(Exchange exchange, String softwareRelease, String softwareType, Map<String, Object> parameters) {
    if (APACHE_FRONTEND.equals(softwareRelease)
        && (softwareType.isEmpty() || softwareType.equals("RootSoftwareInstance") || softwareType.equals("default"))) {
      Object url = parameters.get("url");
      if (truthy(url)) {
        return apache(exchange, PyRepr.str(url));
      }
    }
    if (KVM.equals(softwareRelease) && softwareType.equals("frontend")) {
      Object host = parameters.get("host");
      Object port = parameters.get("port");
      if (truthy(host) && truthy(port)) {
        return kvm(PyRepr.str(host), port);
      }
    }
    return null;
  }

  private static SlapObject apache(Exchange exchange, String url) {
    String secureAccess;
    String domain;
    if (exchange.externalScheme().equals("https")) {
      // Only over https, so as not to lower the connection: through this proxy's /http_proxy.
      UrlText.Parts backend = UrlText.urlparse(url);
      String path = exchange.externalPrefix() + "/http_proxy/" + UrlText.quotePath(backend.scheme()) + "/"
          + UrlText.quotePath(backend.netloc()) + UrlText.quotePath(backend.path());
      UrlText.Parts external = UrlText.urlparse(exchange.externalScheme() + "://" + exchange.host() + path);
      secureAccess = UrlText.unparse(new UrlText.Parts(external.scheme(), external.netloc(), external.path(),
          external.params(), backend.query(), backend.fragment()));
      domain = external.netloc();
    } else {
      secureAccess = url;
      domain = UrlText.urlparse(url).netloc();
    }
    Map<String, Object> connection = new LinkedHashMap<>();
    connection.put("secure_access", secureAccess);
    connection.put("domain", domain);
    return fake("Fake frontend for " + url, connection);
  }

  private static SlapObject kvm(String host, Object port) {
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String url = "https://" + host + ":" + PyRepr.str(port) + "/";
    Map<String, Object> connection = new LinkedHashMap<>();
    connection.put("url", url);
    connection.put("domainname", host);
    connection.put("port", port);
    connection.put("path", "/");
    return fake("Fake KVM VNC frontend for " + url, connection);
  }

  private static SlapObject fake(String partitionId, Map<String, Object> connection) {
    SlapObject partition = SlapObject.computerPartition("", partitionId);
    partition.put("slap_computer_id", "");
    partition.put("slap_computer_partition_id", "");
    partition.put("_parameter_dict", new LinkedHashMap<>());
    partition.put("_connection_dict", connection);
    return partition;
  }

  /** Python truthiness of a marshal value. */
  static boolean truthy(Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0.0;
    }
    if (value instanceof CharSequence s) {
      return s.length() > 0;
    }
    if (value instanceof java.util.Collection<?> c) {
      return !c.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }
}
