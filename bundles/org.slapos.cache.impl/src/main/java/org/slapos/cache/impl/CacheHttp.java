package org.slapos.cache.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheException.Code;
import org.slapos.slap.client.tls.ClientCertificate;
import org.slapos.slap.client.tls.ServerTrust;

/**
 * One cache service (a shacache or a shadir) over java.net.http: URLs under a base, basic
 * authentication from {@code user:password@} in the URL, https verified against the JVM's trust
 * store plus an optional CA file, and an optional TLS client certificate, read when this is built.
 */
final class CacheHttp {
  private final HttpClient client;
  private final Duration transferTimeout;

  /**
   * @param clientKey the client certificate for https, or null for none
   * @throws IllegalArgumentException with one line naming the file when the client certificate
   *     cannot be read or its key does not match it
   */
  CacheHttp(Path caFile, String caFileRole, CacheSettings.ClientKeyFiles clientKey, Duration connectTimeout,
      Duration transferTimeout, Executor executor) {
    KeyManager[] keyManagers = null;
    if (clientKey != null) {
      try {
        keyManagers = ClientCertificate.read(clientKey.key(), clientKey.keyKey(), clientKey.certificate(),
            clientKey.certificateKey()).keyManagers();
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    SSLContext tls;
    try {
      tls = ServerTrust.verified(caFile, caFileRole).sslContext(keyManagers, true);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(caFileRole + ": " + e.getMessage(), e);
    }
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .sslContext(tls)
        .executor(executor)
        .build();
    this.transferTimeout = transferTimeout;
  }

  /** {@code base/segment}, the segment percent-encoded. */
  static URI under(URI base, String segment) {
    String text = base.toString();
    if (base.getRawUserInfo() != null) {
      text = text.replace(base.getRawUserInfo() + "@", "");
    }
    String encoded = URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    return URI.create((text.endsWith("/") ? text : text + "/") + encoded);
  }

  static URI withoutUserInfo(URI base) {
    return base.getRawUserInfo() == null ? base
        : URI.create(base.toString().replace(base.getRawUserInfo() + "@", ""));
  }

  HttpRequest.Builder request(URI base, URI target) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(transferTimeout);
    String userInfo = base.getUserInfo();
    if (userInfo != null) {
      builder.header("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }
    return builder;
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws CacheException {
    try {
      return client.send(request, handler);
    } catch (IOException e) {
      throw new CacheException(Code.TRANSFER, request.method() + " " + request.uri() + " failed: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException(Code.TRANSFER, request.method() + " " + request.uri() + " interrupted", e);
    }
  }

  static void discard(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      body.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the connection is closed either way
    }
  }
}
