package org.slapos.shell.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's host key: an OpenSSH private key file, generated once (ECDSA P-256, mode 0600,
 * with its public half beside it in {@code <file>.pub}) and then reused, so that clients keep
 * seeing the same host key across restarts.
 */
final class HostKeys {
  private static final Logger LOG = LoggerFactory.getLogger(HostKeys.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private HostKeys() {
  }

  /** The key pair in {@code file}, generated first when the file does not exist. */
  static KeyPair loadOrCreate(Path file) throws IOException, GeneralSecurityException {
    if (!Files.exists(file)) {
      create(file);
    } else if (isPosix(file) && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
      LOG.warn("The SSH host key {} is readable by others than its owner (expected mode 0600)", file);
    }
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null);
      Iterator<KeyPair> iterator = pairs == null ? null : pairs.iterator();
      if (iterator == null || !iterator.hasNext()) {
        throw new GeneralSecurityException("no key pair in " + file);
      }
      return iterator.next();
    }
  }

  private static void create(Path file) throws IOException, GeneralSecurityException {
    Path directory = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(directory)) {
      if (isPosix(directory.getRoot())) {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      } else {
        Files.createDirectories(directory);
      }
    }
    KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    String comment = "slapos-remote-shell";
    // Written aside then moved into place: a crash never leaves a truncated key, and the private
    // key is never readable by others, not even for a moment.
    FileAttribute<?>[] attributes = isPosix(directory)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(directory, ".host_key", ".tmp", attributes);
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    Path publicFile = file.resolveSibling(file.getFileName() + ".pub");
    try (OutputStream out = Files.newOutputStream(publicFile)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair.getPublic(), comment, out);
    }
    LOG.info("Generated the SSH host key {} ({})", file, KeyUtils.getFingerPrint(pair.getPublic()));
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
