package org.slapos.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

class BndrunTest {

  @Test
  void readsTheResolvedRunbundles(@TempDir Path dir) throws IOException {
    Path bndrun = dir.resolve("x.bndrun");
    Files.writeString(bndrun, """
        # comment
        -include: ${.}/../cnf/run-base.bnd
        -runrequires: \\
          bnd.identity;id='org.slapos.cli'
        -runbundles: \\
        \tcom.fasterxml.jackson.core.jackson-annotations;version='[2.22.0,2.22.1)',\\
        \torg.slapos.cli;version='[0.1.0,0.1.1)',\\
        \tpicocli;version="[4.7.7,4.7.8)";startlevel=2,\\
        \tunversioned
        """);
    List<Bndrun.RunBundle> bundles = Bndrun.runBundles(bndrun);
    assertEquals(List.of("com.fasterxml.jackson.core.jackson-annotations", "org.slapos.cli", "picocli", "unversioned"),
        bundles.stream().map(Bndrun.RunBundle::symbolicName).toList());
    assertTrue(bundles.get(0).versions().includes(Version.parseVersion("2.22")));
    assertFalse(bundles.get(0).versions().includes(Version.parseVersion("2.22.1")));
    assertTrue(bundles.get(1).versions().includes(Version.parseVersion("0.1.0.SNAPSHOT")));
    assertTrue(bundles.get(2).versions().includes(Version.parseVersion("4.7.7")));
    assertTrue(bundles.get(3).versions().includes(Version.parseVersion("99")));
  }

  @Test
  void anUnresolvedBndrunIsAnError(@TempDir Path dir) throws IOException {
    Path bndrun = dir.resolve("x.bndrun");
    Files.writeString(bndrun, "-runrequires: bnd.identity;id='a'\n");
    IOException e = assertThrows(IOException.class, () -> Bndrun.runBundles(bndrun));
    assertTrue(e.getMessage().contains("-runbundles"), e.getMessage());
  }

  @Test
  void symbolicVersionsAndMacrosAreRefused(@TempDir Path dir) throws IOException {
    Path bndrun = dir.resolve("x.bndrun");
    Files.writeString(bndrun, "-runbundles: a;version=latest\n");
    assertThrows(IOException.class, () -> Bndrun.runBundles(bndrun));
    Files.writeString(bndrun, "-runbundles: ${repo;a}\n");
    assertThrows(IOException.class, () -> Bndrun.runBundles(bndrun));
  }
}
