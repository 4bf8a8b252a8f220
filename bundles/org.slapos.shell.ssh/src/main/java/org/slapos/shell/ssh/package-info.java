/**
 * The remote shell: the Felix Gogo shell served over SSH by Apache MINA SSHD. Public-key
 * authentication against an OpenSSH {@code authorized_keys} file read at every login, loopback by
 * default, no forwarding and no file transfer; every command is audited with the key's
 * fingerprint. Private: nothing is exported; the bound address is published as a marker service
 * with {@value org.slapos.shell.ssh.SshShellComponent#PORT_PROPERTY} and
 * {@value org.slapos.shell.ssh.SshShellComponent#HOST_PROPERTY}.
 */
package org.slapos.shell.ssh;
