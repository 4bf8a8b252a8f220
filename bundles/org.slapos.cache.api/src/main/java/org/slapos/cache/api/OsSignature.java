package org.slapos.cache.api;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The system a binary was built on: the multiarch triplet ({@code gcc -dumpmachine}, e.g.
 * {@code x86_64-linux-gnu}) and the distribution id, version and codename.
 *
 * @param multiarch the multiarch triplet
 * @param distribution the distribution id as reported (e.g. {@code debian}, {@code Ubuntu})
 * @param version the distribution version (e.g. {@code 12.5})
 * @param codename the codename, possibly empty
 */
public record OsSignature(String multiarch, String distribution, String version, String codename) {

  public OsSignature {
    Objects.requireNonNull(multiarch, "multiarch");
    distribution = distribution == null ? "" : distribution;
    version = version == null ? "" : version;
    codename = codename == null ? "" : codename;
  }

  /** The {@code os} list of a shadir entry: {@code [distribution, version, codename]}. */
  public List<String> osList() {
    return List.of(distribution, version, codename);
  }

  /**
   * Whether a binary built on {@code other} runs here, by the original's rule: same multiarch and
   * same normalised OS (id lower-cased, {@code raspbian} read as {@code debian}; for Debian only the
   * major version counts and the codename is ignored).
   */
  public boolean compatibleWith(OsSignature other) {
    return multiarch.equals(other.multiarch) && normalisedOs().equals(other.normalisedOs());
  }

  private List<String> normalisedOs() {
    String id = distribution.trim().toLowerCase(Locale.ROOT);
    if (id.equals("raspbian")) {
      id = "debian";
    }
    if (id.equals("debian")) {
      String major = version.trim();
      int dot = major.indexOf('.');
      return List.of(id, dot < 0 ? major : major.substring(0, dot), "");
    }
    return List.of(id, version.trim(), codename.trim());
  }
}
