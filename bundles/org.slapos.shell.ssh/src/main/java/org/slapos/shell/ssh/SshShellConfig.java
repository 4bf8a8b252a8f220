package org.slapos.shell.ssh;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Where the remote shell listens, whom it lets in, and which host key it presents. */
@ObjectClassDefinition(name = "SlapOS remote shell (SSH)",
    description = "The Gogo shell over SSH: public-key authentication only, loopback by default")
@interface SshShellConfig {
  /** Configuration PID: without an authorized_keys file there is nobody to let in, so the server waits for it. */
  String PID = "org.slapos.shell.ssh";

  @AttributeDefinition(description = "Address (or host name) to listen on. While every address it names is a "
      + "loopback address, connections from any other peer are refused as well")
  String host() default "127.0.0.1";

  @AttributeDefinition(description = "TCP port; 0 picks a free one (published as slapos.shell.ssh.port)")
  int port() default 2222;

  @AttributeDefinition(description = "OpenSSH authorized_keys file, read at every login (required). Missing or "
      + "empty: nobody gets in")
  String authorized_keys();

  @AttributeDefinition(description = "Host private key (OpenSSH format), generated with mode 0600 when missing "
      + "and kept across restarts (required)")
  String host_key();
}
