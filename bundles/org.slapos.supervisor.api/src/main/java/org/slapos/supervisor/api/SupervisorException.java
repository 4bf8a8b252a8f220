package org.slapos.supervisor.api;

/** Supervisord could not be configured, started or driven; the message is one line. */
public class SupervisorException extends Exception {
  private static final long serialVersionUID = 1L;

  public SupervisorException(String message) {
    super(message);
  }

  public SupervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
