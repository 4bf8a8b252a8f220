package org.slapos.grid.instance;

/**
 * Processing one partition failed; the message is what the master receives as the error log and what
 * {@code .slapgrid-<id>-error.log} holds.
 */
class DeployFailure extends Exception {
  private static final long serialVersionUID = 1L;

  DeployFailure(String message) {
    super(message);
  }

  DeployFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
