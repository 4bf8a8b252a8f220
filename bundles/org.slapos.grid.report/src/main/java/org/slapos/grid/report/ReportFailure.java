package org.slapos.grid.report;

/** A step of the report run failed for one partition; the message is what the master is told. */
final class ReportFailure extends Exception {
  private static final long serialVersionUID = 1L;

  ReportFailure(String message) {
    super(message);
  }

  ReportFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
