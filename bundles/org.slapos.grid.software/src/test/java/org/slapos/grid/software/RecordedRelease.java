package org.slapos.grid.software;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slapos.slap.api.SoftwareRelease;

/**
 * A Software Release as the master lists it, recording the reports the installer sends: the master
 * side of the SLAP calls, which the process tests check against the real proxy.
 */
final class RecordedRelease implements SoftwareRelease {
  final String url;
  final String state;
  final List<String> reports = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  RecordedRelease(String url, String state) {
    this.url = url;
    this.state = state;
  }

  @Override
  public Map<String, Object> getAttributes() {
    return Map.of("_software_release", url, "_requested_state", state, "_computer_guid", "COMP-TEST");
  }

  @Override
  public String getURI() {
    return url;
  }

  @Override
  public String getComputerId() {
    return "COMP-TEST";
  }

  @Override
  public String getState() {
    return state;
  }

  @Override
  public void building() {
    reports.add("building");
  }

  @Override
  public void available() {
    reports.add("available");
  }

  @Override
  public void destroyed() {
    reports.add("destroyed");
  }

  @Override
  public void error(String errorLog) {
    reports.add("error");
    errors.add(errorLog);
  }
}
