package org.slapos.grid.report;

import java.nio.file.Path;

/**
 * A name the master gives (partition id, computer id) turned into a direct child of a root directory:
 * refused when it is empty, holds a {@code /} or a control character, or is {@code .} or {@code ..}.
 * Nothing the master sends can make the node touch a path outside the instance root.
 */
final class PartitionPath {
  private PartitionPath() {
  }

  static Path childOf(Path root, String name, String what) throws ReportFailure {
    if (name == null || name.isEmpty()) {
      throw new ReportFailure("The " + what + " is empty.");
    }
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f) || name.indexOf('/') >= 0 || name.equals(".")
        || name.equals("..")) {
      throw new ReportFailure("Refusing " + what + " " + name.replaceAll("\\p{Cntrl}", "?")
          + ": it does not name a directory of " + root);
    }
    Path normalized = root.toAbsolutePath().normalize();
    Path child = normalized.resolve(name).normalize();
    if (!normalized.equals(child.getParent())) {
      throw new ReportFailure("Refusing " + what + " " + name + ": it does not name a directory of " + normalized);
    }
    return child;
  }
}
