package org.slapos.slap.api;

/** The master accepted the request but has not allocated it yet (HTTP 408), or a value is still unknown. */
public class ResourceNotReady extends SlapException {
  private static final long serialVersionUID = 1L;

  public ResourceNotReady(String message) {
    super(message);
  }

  public ResourceNotReady(String message, Throwable cause) {
    super(message, cause);
  }
}
