package org.slapos.slap.client.internal;

import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;
import org.slapos.slap.api.Supply;

/** Asks a computer to install or remove a Software Release. */
final class SupplyImpl implements Supply {

  private final Session session;

  SupplyImpl(Session session) {
    this.session = session;
  }

  @Override
  public String supply(String softwareRelease, String computerGuid, String state) throws SlapException {
    try {
      return session.connection.post("supplySupply", Form.of(
          "url", softwareRelease,
          "computer_id", computerGuid,
          // null stands for Python's default argument, not for an explicit None
          "state", state == null ? SoftwareRelease.STATE_AVAILABLE : state));
    } catch (NotFoundError e) {
      throw new NotFoundError("Computer " + (computerGuid == null ? "None" : computerGuid)
          + " has not been found by SlapOS Master.", e);
    }
  }
}
