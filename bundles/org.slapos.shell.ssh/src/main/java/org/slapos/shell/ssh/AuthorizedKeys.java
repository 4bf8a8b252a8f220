package org.slapos.shell.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication against an OpenSSH {@code authorized_keys} file, read again at every
 * attempt: a key removed from the file stops working at once, with no restart and no reliance on
 * modification times. Any user name is accepted (the file is the only list of who may log in);
 * the name is recorded in the audit log.
 *
 * <p>Entries with login options this server does not enforce ({@code from=}, {@code command=},
 * {@code expiry-time=}...) are ignored with a warning rather than honoured partially. Options that
 * only restrict forwarding or the terminal are accepted: this server forwards nothing anyway.
 */
final class AuthorizedKeys implements PublickeyAuthenticator {
  /** The SHA256 fingerprint of the key a session authenticated with. */
  static final AttributeKey<String> FINGERPRINT = new AttributeKey<>();

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizedKeys.class);
  private static final Set<String> HARMLESS_OPTIONS = Set.of("no-port-forwarding", "no-agent-forwarding",
      "no-x11-forwarding", "no-user-rc", "no-pty", "restrict");

  private final Path file;

  AuthorizedKeys(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    String fingerprint = KeyUtils.getFingerPrint(key);
    boolean authorized = read().stream().anyMatch(allowed -> KeyUtils.compareKeys(allowed, key));
    if (authorized) {
      session.setAttribute(FINGERPRINT, fingerprint);
    } else {
      LOG.warn("Refused public key {} for user {} from {}: not in {}", fingerprint, username,
          session.getClientAddress(), file);
    }
    return authorized;
  }

  /** The keys the file authorizes now; none when it is missing or unreadable (logged). */
  List<PublicKey> read() {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      LOG.warn("The authorized keys file {} does not exist: nobody can log in to the remote shell", file);
      return List.of();
    } catch (IOException e) {
      LOG.warn("Cannot read the authorized keys file {}: {}", file, e.toString());
      return List.of();
    }
    List<PublicKey> keys = new ArrayList<>();
    for (int number = 1; number <= lines.size(); number++) {
      String line = lines.get(number - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      PublicKey key = parse(line, number);
      if (key != null) {
        keys.add(key);
      }
    }
    return keys;
  }

  private PublicKey parse(String line, int number) {
    try {
      AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
      if (entry == null) {
        return null;
      }
      for (String option : entry.getLoginOptions().keySet()) {
        if (!HARMLESS_OPTIONS.contains(option.toLowerCase(Locale.ROOT))) {
          LOG.warn("{} line {}: option {} is not supported by the remote shell; the key is ignored", file, number,
              option);
          return null;
        }
      }
      PublicKey key = entry.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
      if (key == null) {
        LOG.warn("{} line {}: key type {} is not supported; the key is ignored", file, number, entry.getKeyType());
      }
      return key;
    } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
      LOG.warn("{} line {} is not a valid authorized key ({}); ignored", file, number, e.getMessage());
      return null;
    }
  }
}
