package org.slapos.slap.api;

/** Node registration tokens (HATEOAS). Provider type: implemented by the client bundle. */
@org.osgi.annotation.versioning.ProviderType
public interface Token {
  String request() throws SlapException;
}
