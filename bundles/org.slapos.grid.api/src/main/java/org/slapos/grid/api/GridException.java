package org.slapos.grid.api;

/**
 * A grid run could not take place at all (no software root, master unreachable, interrupted).
 * Failures of single releases are outcomes, not exceptions.
 */
public class GridException extends Exception {
  private static final long serialVersionUID = 1L;

  public GridException(String message) {
    super(message);
  }

  public GridException(String message, Throwable cause) {
    super(message, cause);
  }
}
