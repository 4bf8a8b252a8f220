package org.slapos.slap.client.internal;

import java.util.ArrayList;

import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Software Release on a computer; attributes as Python's {@code SoftwareRelease}. */
final class SoftwareReleaseImpl extends Document implements SoftwareRelease {

  private static final Logger LOG = LoggerFactory.getLogger(SoftwareReleaseImpl.class);

  private final Session session;

  SoftwareReleaseImpl(Session session, String url, String computerGuid) {
    this.session = session;
    set("_software_instance_list", new ArrayList<>());
    set("_software_release", url);
    set("_computer_guid", computerGuid);
  }

  @Override
  public String getURI() {
    return stringAttribute("_software_release");
  }

  @Override
  public String getComputerId() {
    return stringAttribute("_computer_guid");
  }

  @Override
  public String getState() {
    return stringAttribute("_requested_state");
  }

  private Form urlAndComputer() {
    return Form.of("url", getURI(), "computer_id", getComputerId());
  }

  @Override
  public void building() throws SlapException {
    session.connection.post("buildingSoftwareRelease", urlAndComputer());
  }

  @Override
  public void available() throws SlapException {
    session.connection.post("availableSoftwareRelease", urlAndComputer());
  }

  @Override
  public void destroyed() throws SlapException {
    session.connection.post("destroyedSoftwareRelease", urlAndComputer());
  }

  @Override
  public void error(String errorLog) {
    try {
      session.connection.post("softwareReleaseError", urlAndComputer().add("error_log", errorLog));
    } catch (SlapException | RuntimeException e) {
      // Reporting an error must never fail the caller's own error handling.
      LOG.error("Cannot report the error of software release {} on {}", getURI(), getComputerId(), e);
    }
  }

  @Override
  public String toString() {
    return "SoftwareRelease(" + getURI() + ", " + getComputerId() + ")";
  }
}
