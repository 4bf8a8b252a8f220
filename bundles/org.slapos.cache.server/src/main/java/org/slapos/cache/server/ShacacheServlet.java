package org.slapos.cache.server;

import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.InputStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** Shacache under {@code /shacache/*} on the Servlet Whiteboard, as the original's URLs. */
@Component(service = Servlet.class, configurationPid = CacheServerConfig.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = CacheServerConfig.class)
@HttpWhiteboardServletPattern("/shacache/*")
@HttpWhiteboardServletName("slapos-shacache")
public final class ShacacheServlet extends CacheServlet {
  private static final long serialVersionUID = 1L;
  private final transient CacheEndpoints endpoints;

  @Activate
  public ShacacheServlet(CacheServerConfig config) {
    this.endpoints = endpoints(config);
  }

  @Override
  CacheReply answer(String method, String path, InputStream body) throws IOException {
    return endpoints.shacache(method, path, body);
  }
}
