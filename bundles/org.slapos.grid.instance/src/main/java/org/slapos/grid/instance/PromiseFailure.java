package org.slapos.grid.instance;

/**
 * The partition was deployed but a promise failed ({@code PromiseError} in the original): reported to
 * the master, no {@code started} report, no {@code .timestamp}, exit code 2.
 */
final class PromiseFailure extends Exception {
  private static final long serialVersionUID = 1L;

  PromiseFailure(String message) {
    super(message);
  }
}
