/**
 * The slapproxy database schema (version 17, bundled {@code schema.sql}), the
 * migration of older schema versions, the local software release root rebase,
 * and SQL dumps for backups. Private to the bundle: not exported.
 */
package org.slapos.master.store.sqlite.schema;
