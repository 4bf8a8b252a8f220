package org.slapos.master.api;

/**
 * Configuration of the slapproxy front-end (the SLAP endpoints over HTTP): its PID and keys, shared
 * by the front-end and the commands that configure it. The store has its own PID,
 * {@link MasterStore#PID}.
 */
public final class ProxyConfiguration {
  /** Configuration PID of the slapproxy HTTP front-end. */
  public static final String PID = "org.slapos.proxy";

  /**
   * {@code String[]}: software products, one {@code "<product> <url>"} per entry
   * (slapos.cfg {@code software_product_list}, one per line).
   */
  public static final String SOFTWARE_PRODUCT_LIST = "software.product.list";

  /**
   * {@code String[]}: the other masters requests may be forwarded to, one JSON object per entry:
   * {@code {"url": "https://master/", "key": "/path/key.pem", "cert": "/path/cert.pem",
   * "software_release_list": ["http://sr/software.cfg"], "computer": "COMP-1", "partition": "slappart0"}}.
   * Only {@code url} is required; {@code key} and {@code cert} are required for an https URL
   * (slapos.cfg {@code [multimaster/<url>]} sections).
   */
  public static final String MULTIMASTER = "multimaster";

  /** {@code int}: largest accepted request body in bytes; larger ones get 413. */
  public static final String MAX_REQUEST_BYTES = "max.request.bytes";

  /** {@code int}: timeout in seconds of requests forwarded to another master. */
  public static final String FORWARD_TIMEOUT = "forward.timeout";

  /** {@code String}: the address slapproxy listens on (slapos.cfg {@code host}); 127.0.0.1 by default. */
  public static final String HTTP_HOST = "http.host";

  /**
   * {@code int}: the port slapproxy listens on (slapos.cfg {@code port}). The listener accepts
   * connections only while the endpoints are registered and dispatched, so a client that connects
   * is answered by slapproxy, never by an empty HTTP server. 0 (the default): no listener.
   */
  public static final String HTTP_PORT = "http.port";

  private ProxyConfiguration() {
  }
}
