BEGIN TRANSACTION;
CREATE TABLE config17 (
  name TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;
CREATE TABLE software17 (
  url VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT 'slaprunner',
  requested_state VARCHAR(255) DEFAULT 'available',
  PRIMARY KEY (url, computer_reference)
);
CREATE TABLE computer17 (
  reference VARCHAR(255) DEFAULT 'slaprunner',
  address VARCHAR(255),
  netmask VARCHAR(255),
  PRIMARY KEY (reference)
);
CREATE TABLE partition17 (
  reference VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT 'slaprunner',
  slap_state VARCHAR(255) DEFAULT 'free',
  software_release VARCHAR(255),
  xml TEXT,
  connection_xml TEXT,
  slave_instance_list TEXT,
  software_type VARCHAR(255),
  partition_reference VARCHAR(255), -- name of the instance
  requested_by VARCHAR(255) NOT NULL DEFAULT '',
  requested_state VARCHAR(255) NOT NULL DEFAULT 'started',
  timestamp REAL,
  PRIMARY KEY (reference, computer_reference)
);
CREATE TABLE slave17 (
  reference VARCHAR(255), -- unique slave reference
  computer_reference VARCHAR(255) DEFAULT 'slaprunner',
  connection_xml TEXT,
  hosted_by VARCHAR(255),
  asked_by VARCHAR(255) -- only used for debugging,
                        -- slapproxy does not support proper scope
);
CREATE TABLE partition_network17 (
  partition_reference VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT 'slaprunner',
  reference VARCHAR(255),
  address VARCHAR(255),
  netmask VARCHAR(255)
);
CREATE TABLE forwarded_partition_request17 (
  partition_reference VARCHAR(255), -- a.k.a source_instance_id
  master_url VARCHAR(255),
  PRIMARY KEY (partition_reference, master_url)
);

INSERT INTO computer17 VALUES('computer','127.0.0.1','255.255.255.255');
INSERT INTO computer17 VALUES('COMP-1',NULL,NULL);
INSERT INTO software17 VALUES('http://sr/software.cfg','computer','available');
INSERT INTO software17 VALUES('/opt/é/software.cfg','computer','destroyed');
INSERT INTO partition17 VALUES('slappart0','computer','busy','http://sr/software.cfg','<?xml version=''1.0'' encoding=''utf-8''?>
<instance/>
','<?xml version=''1.0'' encoding=''utf-8''?>
<instance>
  <parameter id="ssh-key">ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0123456789 user@host</parameter>
  <parameter id="url">http://root/</parameter>
  <parameter id="empty"></parameter>
</instance>
','<marshal><list id="i2"><dictionary id="i3"><string>slap_software_type</string><string>default</string><string>slave_reference</string><string>_front</string><string>slave_title</string><string>_front</string></dictionary></list></marshal>','default','root','','started',1795345290.669688);
INSERT INTO partition17 VALUES('slappart1','computer','busy','http://sr/software.cfg',NULL,'<?xml version=''1.0'' encoding=''utf-8''?>
<instance>
  <parameter id="_">{"b": [1, 2.5, true, null, {}], "a": "Привет 😀", "c": []}</parameter>
</instance>
',NULL,'child-type','child','root','stopped',1795345291.0);
INSERT INTO partition17 VALUES('slappart2','computer','free',NULL,NULL,NULL,NULL,NULL,NULL,'','started',1795345000.5);
INSERT INTO partition17 VALUES('slappart0','COMP-1','busy','http://sr/software.cfg',NULL,NULL,NULL,'default','Ünïcode title','','destroyed',NULL);
INSERT INTO slave17 VALUES('_front','computer','<?xml version=''1.0'' encoding=''utf-8''?>
<instance/>
','slappart0','');
INSERT INTO partition_network17 VALUES('slappart0','computer','tap0','10.0.0.1','255.255.255.0');
INSERT INTO partition_network17 VALUES('slappart0','computer','tap0','fd00::1','ffff::');
INSERT INTO partition_network17 VALUES('slappart1','computer','tap1','10.0.0.2','255.255.255.0');
INSERT INTO partition_network17 VALUES('slappart2','computer','tap2','10.0.0.3','255.255.255.0');
INSERT INTO partition_network17 VALUES('slappart0','COMP-1','tap0','10.1.0.1','255.255.255.0');
COMMIT;
