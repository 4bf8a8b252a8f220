/**
 * The minimal SlapOS master's storage, as a service: what slapproxy needs to answer the SLAP
 * protocol, independent of how the data is stored.
 *
 * <p>{@link org.slapos.master.api.MasterStore} holds the semantic operations (format a computer,
 * supply, request, destroy, rename, bang, publish connection parameters...). Each operation is
 * atomic. The records in this package are immutable snapshots returned by the store.
 * {@link org.slapos.master.api.MasterStoreInspector} reads a store's tables for {@code slapos proxy show}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.master.api;
