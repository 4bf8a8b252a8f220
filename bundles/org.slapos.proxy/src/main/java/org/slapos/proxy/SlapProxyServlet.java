package org.slapos.proxy;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.ProxyConfiguration;
import org.slapos.slap.api.SlapConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * slapproxy on the Servlet Whiteboard: every path not claimed by another servlet (pattern {@code /})
 * is answered by {@link SlapEndpoints}. The connector to other masters is optional: without it,
 * forwarded requests get 503.
 */
@Component(
    service = Servlet.class,
    configurationPid = ProxyConfiguration.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
@Designate(ocd = ProxyConfig.class)
@HttpWhiteboardServletPattern("/")
@HttpWhiteboardServletName("slapproxy")
public final class SlapProxyServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SlapProxyServlet.class);

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile SlapConnector connector;

  private final transient SlapEndpoints endpoints;
  private final int maxRequestBytes;
  /** Whether the whiteboard has initialised this servlet (and not destroyed it yet). */
  private volatile boolean registered;
  private transient volatile ProxyListener listener;

  /** The listening socket: told when the whiteboard registers and removes the endpoints. */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindListener(ProxyListener listener) {
    this.listener = listener;
    listener.servletRegistered(registered);
  }

  void unbindListener(ProxyListener listener) {
    if (this.listener == listener) {
      this.listener = null;
    }
  }

  /** Called by the whiteboard when it registers the servlet: the endpoints are about to be reachable. */
  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    registered = true;
    ProxyListener current = listener;
    if (current != null) {
      current.servletRegistered(true);
    }
  }

  /** Called by the whiteboard when it removes the servlet (unregistration, Jetty stop). */
  @Override
  public void destroy() {
    registered = false;
    ProxyListener current = listener;
    if (current != null) {
      current.servletRegistered(false);
    }
    super.destroy();
  }

  @Activate
  public SlapProxyServlet(@Reference MasterStore store, ProxyConfig config) {
    this.maxRequestBytes = config.max_request_bytes();
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException(ProxyConfiguration.MAX_REQUEST_BYTES + " must be positive");
    }
    if (config.forward_timeout() <= 0) {
      throw new IllegalArgumentException(ProxyConfiguration.FORWARD_TIMEOUT + " must be positive");
    }
    String runId = SlapEndpoints.newRunId();
    Multimaster multimaster = new Multimaster(Multimaster.parse(config.multimaster()), runId,
        Duration.ofSeconds(config.forward_timeout()), () -> connector);
    this.endpoints = new SlapEndpoints(store,
        multimaster, new SlapEndpoints.Settings(softwareProducts(config.software_product_list()), runId, maxRequestBytes));
    LOG.info("slapproxy endpoints ready (default computer {}, {} software products, {} other masters)",
        store.defaultComputerId(), config.software_product_list().length, multimaster.entries().size());
  }

  /** {@code "<product> <url>"} entries (blank lines ignored). */
  static Map<String, String> softwareProducts(String[] entries) {
    Map<String, String> products = new LinkedHashMap<>();
    if (entries == null) {
      return products;
    }
    for (String entry : entries) {
      for (String line : entry.split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
          continue;
        }
        String[] parts = trimmed.split("\\s+");
        if (parts.length != 2) {
          throw new IllegalArgumentException(ProxyConfiguration.SOFTWARE_PRODUCT_LIST
              + ": expected \"<product> <url>\", got " + line);
        }
        products.put(parts[0], parts[1]);
      }
    }
    return products;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Reply reply;
    long declared = request.getContentLengthLong();
    byte[] body = declared > maxRequestBytes ? null : readBounded(request.getInputStream(), maxRequestBytes);
    if (body == null) {
      reply = Pages.error(413, Pages.TOO_LARGE);
    } else {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String name : Collections.list(request.getHeaderNames())) {
        headers.put(name, Collections.list(request.getHeaders(name)));
      }
      String path = request.getRequestURI();
      String context = request.getContextPath();
      if (context != null && !context.isEmpty() && path.startsWith(context)) {
        path = path.substring(context.length());
      }
      Exchange exchange = new Exchange(request.getMethod(), UrlText.decode(path, false), request.getQueryString(),
          body, headers, request.getScheme(), request.getServerName(), request.getServerPort());
      reply = endpoints.handle(exchange);
    }
    response.setStatus(reply.status());
    response.setContentType(reply.contentType());
    reply.headers().forEach(response::setHeader);
    response.setContentLength(reply.body().length);
    if (!request.getMethod().equals("HEAD")) {
      try (OutputStream out = response.getOutputStream()) {
        out.write(reply.body());
      }
    }
  }

  /** The body, or null when it is larger than {@code limit}. */
  static byte[] readBounded(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
    byte[] buffer = new byte[8192];
    int total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      if (total > limit) {
        return null;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
