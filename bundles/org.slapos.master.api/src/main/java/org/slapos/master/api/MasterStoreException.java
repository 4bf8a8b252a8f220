package org.slapos.master.api;

import java.util.Objects;

/** An expected failure of a {@link MasterStore} operation, with a code the adapters map to a status. */
public class MasterStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong; HTTP adapters map these to statuses (404, 404, 400, 409, 500). */
  public enum Code {
    /** An unknown computer, partition or instance. */
    NOT_FOUND,
    /** No free partition on the target computer, or no host partition for a shared instance. */
    ALLOCATION_FAILURE,
    /** An argument is missing or invalid (e.g. a supply state other than available/destroyed). */
    BAD_REQUEST,
    /** The request contradicts the stored data. */
    CONFLICT,
    /** The storage itself failed (I/O, corrupt database...). */
    STORAGE
  }

  private final Code code;

  public MasterStoreException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public MasterStoreException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public Code code() {
    return code;
  }
}
