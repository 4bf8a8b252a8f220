package org.slapos.cache.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The binary Software Release cache: before building, a node asks for a tarball built for its
 * system; after a successful build, it offers its own. Only entries signed by a trusted certificate
 * are used and every download is checked against its SHA-512, so a failure here only means
 * "build locally".
 * <p>Provider type: the node calls it, the cache bundle implements it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface BinaryCache {
  /**
   * Configuration PID of the client: the one the slapos.cfg bridge gives the {@code [networkcache]}
   * section, which also takes our own keys (timeouts, retries).
   */
  String PID = "org.slapos.cfg.networkcache";

  /** The system this node runs on, as entries describe theirs. */
  OsSignature localSystem();

  /**
   * Every entry the binary directory holds for a Software Release, trusted or not.
   *
   * @param softwareUrlOrMd5 a Software Release URL, or the md5 hex of one
   * @throws CacheException NOT_FOUND when the directory has no such key, NOT_CONFIGURED, TRANSFER
   */
  CacheLookup lookup(String softwareUrlOrMd5) throws CacheException;

  /**
   * Finds the first trusted entry compatible with {@code system}, downloads its tarball, checks its
   * SHA-512 and unpacks it as {@code releaseDirectory}, which must not exist yet (it appears
   * complete or not at all).
   *
   * @return the entry installed, or empty when the cache has no usable binary for this release
   * @throws CacheException when a binary was found but could not be installed (checksum, archive,
   *     transfer); the caller then builds locally
   */
  Optional<CacheEntry> install(String softwareUrl, OsSignature system, Path releaseDirectory)
      throws CacheException;

  /**
   * Packs {@code releaseDirectory} (archive name = its directory name), uploads it to shacache and
   * publishes a signed entry in shadir. Retries a bounded number of times.
   *
   * @return the entry published
   * @throws CacheException NOT_CONFIGURED without a signing key or upload URLs, EXCLUDED by the
   *     upload blacklist, TRANSFER when every attempt failed
   */
  CacheEntry upload(String softwareUrl, OsSignature system, Path releaseDirectory)
      throws CacheException;
}
