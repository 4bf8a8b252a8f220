package org.slapos.cache.server;

import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.InputStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** Shadir under {@code /shadir/*} on the Servlet Whiteboard, as the original's URLs (configuration described by {@link ShacacheServlet}). */
@Component(service = Servlet.class, configurationPid = CacheServerConfig.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@HttpWhiteboardServletPattern("/shadir/*")
@HttpWhiteboardServletName("slapos-shadir")
public final class ShadirServlet extends CacheServlet {
  private static final long serialVersionUID = 1L;
  private final transient CacheEndpoints endpoints;

  @Activate
  public ShadirServlet(CacheServerConfig config) {
    this.endpoints = endpoints(config);
  }

  @Override
  CacheReply answer(String method, String path, InputStream body) throws IOException {
    return endpoints.shadir(method, path, body);
  }
}
