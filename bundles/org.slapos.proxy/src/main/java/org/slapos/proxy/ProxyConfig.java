package org.slapos.proxy;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the slapproxy front-end (PID {@code org.slapos.proxy}, keys in ProxyConfiguration). */
@ObjectClassDefinition(
    name = "SlapOS proxy (SLAP endpoints)",
    description = "The SLAP API of the minimal SlapOS master, served at the root of the HTTP whiteboard.")
@interface ProxyConfig {

  @AttributeDefinition(description = "Software products, one \"<product> <url>\" per entry "
      + "(slapos.cfg software_product_list), for getSoftwareReleaseListFromSoftwareProduct.")
  String[] software_product_list() default {};

  @AttributeDefinition(description = "Other masters requests may be forwarded to: one JSON object per entry, "
      + "{\"url\", \"key\", \"cert\", \"software_release_list\": [...], \"computer\", \"partition\"} "
      + "(slapos.cfg [multimaster/<url>] sections).")
  String[] multimaster() default {};

  @AttributeDefinition(description = "Largest accepted request body, in bytes; larger requests get 413.")
  int max_request_bytes() default 8 * 1024 * 1024;

  @AttributeDefinition(description = "Timeout, in seconds, of requests forwarded to another master.")
  int forward_timeout() default 60;

  @AttributeDefinition(description = "The address slapproxy listens on (slapos.cfg host).")
  String http_host() default "127.0.0.1";

  @AttributeDefinition(description = "The port slapproxy listens on (slapos.cfg port). Its connector accepts "
      + "connections only once the endpoints are dispatched by the Servlet Whiteboard.")
  int http_port() default 0;
}
