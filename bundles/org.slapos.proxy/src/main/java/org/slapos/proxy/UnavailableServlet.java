package org.slapos.proxy;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * What a client gets, on a connection already open, while the SLAP endpoints are away (their store
 * or configuration is being replaced, a bundle is updated): 503 with {@code Retry-After}, never
 * the whiteboard's 404. It has the same pattern as {@link SlapProxyServlet} and a lower ranking, so
 * the whiteboard shadows it whenever the endpoints are registered.
 */
@Component(service = Servlet.class, property = "service.ranking:Integer=-1")
@HttpWhiteboardServletPattern("/")
@HttpWhiteboardServletName("slapproxy-unavailable")
public final class UnavailableServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  /** Seconds a client should wait before retrying: a bundle update takes about that long. */
  static final String RETRY_AFTER_SECONDS = "1";
  static final byte[] MESSAGE = "slapproxy is restarting; retry in a moment\n".getBytes(StandardCharsets.UTF_8);

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
    response.setContentType("text/plain;charset=utf-8");
    response.setContentLength(MESSAGE.length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(MESSAGE);
    }
  }
}
