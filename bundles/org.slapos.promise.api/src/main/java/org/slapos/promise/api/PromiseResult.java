package org.slapos.promise.api;

import java.util.Objects;

/**
 * What one promise said.
 *
 * @param failed whether the check failed
 * @param message the message shown to the operator and sent to the master on failure
 */
public record PromiseResult(boolean failed, String message) {

  public PromiseResult {
    message = Objects.requireNonNullElse(message, "");
  }

  public static PromiseResult success(String message) {
    return new PromiseResult(false, message);
  }

  public static PromiseResult failure(String message) {
    return new PromiseResult(true, message);
  }
}
