package org.slapos.promise.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Gives the files the checker writes to the partition's owner when the node runs as root (the
 * original chowns {@code result/} the same way), so that promises running as that user can write
 * their logs and the partition keeps owning its state. Does nothing when the node is unprivileged.
 */
final class Ownership {
  private final Integer uid;
  private final Integer gid;

  private Ownership(Integer uid, Integer gid) {
    this.uid = uid;
    this.gid = gid;
  }

  static Ownership none() {
    return new Ownership(null, null);
  }

  static Ownership of(Account account) {
    return account == null ? none() : new Ownership((int) account.uid(), (int) account.gid());
  }

  void apply(Path path) throws IOException {
    if (uid == null) {
      return;
    }
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }
}
