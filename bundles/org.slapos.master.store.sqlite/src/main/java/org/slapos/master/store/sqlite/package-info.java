/**
 * The {@link org.slapos.master.api.MasterStore} of slapproxy on SQLite (schema version 17, shared with
 * the Python slapproxy) and its {@link org.slapos.master.api.MasterStoreInspector}. Private to the
 * bundle: other bundles use the services.
 */
package org.slapos.master.store.sqlite;
