--version:17
-- slapproxy database schema. The first line carries the schema version and
-- every table name below ends with it (placeholder "version"). The configured
-- computer id (placeholder "computer") may only appear inside a single-quoted
-- SQL literal: SchemaUpgrader substitutes it with its quotes doubled and
-- rejects it anywhere else. Comments are never substituted.
-- Keep table and column names, types, defaults and keys in step with the
-- slapproxy of slapos.core: both implementations may open the same file.

CREATE TABLE config%(version)s (
  name TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;

CREATE TABLE software%(version)s (
  url VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT '%(computer)s',
  requested_state VARCHAR(255) DEFAULT 'available',
  PRIMARY KEY (url, computer_reference)
);

CREATE TABLE computer%(version)s (
  reference VARCHAR(255) DEFAULT '%(computer)s',
  address VARCHAR(255),
  netmask VARCHAR(255),
  PRIMARY KEY (reference)
);

CREATE TABLE partition%(version)s (
  reference VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT '%(computer)s',
  slap_state VARCHAR(255) DEFAULT 'free',
  software_release VARCHAR(255),
  xml TEXT,
  connection_xml TEXT,
  slave_instance_list TEXT,
  software_type VARCHAR(255),
  partition_reference VARCHAR(255), -- instance name (title)
  requested_by VARCHAR(255) NOT NULL DEFAULT '', -- title of the root instance
  requested_state VARCHAR(255) NOT NULL DEFAULT 'started',
  timestamp REAL,
  PRIMARY KEY (reference, computer_reference)
);

CREATE TABLE slave%(version)s (
  reference VARCHAR(255), -- <requested_by>_<name>
  computer_reference VARCHAR(255) DEFAULT '%(computer)s',
  connection_xml TEXT,
  hosted_by VARCHAR(255), -- reference of the host partition
  asked_by VARCHAR(255) -- root title of the requester, '' for the user
);

CREATE TABLE partition_network%(version)s (
  partition_reference VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT '%(computer)s',
  reference VARCHAR(255), -- interface name
  address VARCHAR(255),
  netmask VARCHAR(255)
);

CREATE TABLE forwarded_partition_request%(version)s (
  partition_reference VARCHAR(255), -- prefixed name, a.k.a. source_instance_id
  master_url VARCHAR(255),
  PRIMARY KEY (partition_reference, master_url)
);
