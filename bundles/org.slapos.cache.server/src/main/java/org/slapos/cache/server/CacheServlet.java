package org.slapos.cache.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Adapts one of {@link CacheEndpoints}' two services to a servlet. */
abstract class CacheServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  static CacheEndpoints endpoints(CacheServerConfig config) {
    String root = config.root_directory();
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("root.directory of " + CacheServerConfig.PID + " is required");
    }
    if (config.max_blob_mib() <= 0 || config.max_entry_kib() <= 0) {
      throw new IllegalArgumentException("max.blob.mib and max.entry.kib must be positive");
    }
    try {
      return new CacheEndpoints(Path.of(root), config.max_blob_mib() * 1024 * 1024,
          config.max_entry_kib() * 1024);
    } catch (IOException e) {
      throw new IllegalArgumentException("root.directory " + root + " cannot be created: " + e.getMessage(), e);
    }
  }

  abstract CacheReply answer(String method, String path, InputStream body) throws IOException;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getPathInfo() == null ? "" : request.getPathInfo();
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    CacheReply reply;
    try (InputStream body = request.getInputStream()) {
      reply = answer(request.getMethod(), path, body);
    }
    write(reply, request.getMethod().equals("HEAD"), response);
  }

  static void write(CacheReply reply, boolean head, HttpServletResponse response) throws IOException {
    response.setStatus(reply.status());
    response.setContentType(reply.contentType());
    if (reply.file() != null) {
      response.setContentLengthLong(Files.size(reply.file()));
      if (!head) {
        try (OutputStream out = response.getOutputStream()) {
          Files.copy(reply.file(), out);
        }
      }
    } else {
      response.setContentLength(reply.body().length);
      if (!head) {
        response.getOutputStream().write(reply.body());
      }
    }
  }
}
