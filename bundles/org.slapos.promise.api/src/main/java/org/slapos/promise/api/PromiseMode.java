package org.slapos.promise.api;

/** What a promise run is for (node-behavior §5.10). */
public enum PromiseMode {
  /** After deploying a partition, and {@code node promise}: result type "Test Result". */
  TEST,
  /** On an up-to-date started partition: result type "Anomaly Result". */
  ANOMALY
}
