package org.slapos.format.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slapos.format.impl.SystemOperations.ExecResult;

/**
 * Users and groups ({@code User.create} of the original): read once with {@code getent} (so NSS
 * sources count), changed with groupadd, useradd, usermod and {@code passwd -l}. Unlike the original,
 * a user that is already as wanted is not modified again, so a second format changes nothing.
 */
final class Users {
  static final String SHELL = "/bin/sh";

  /** A passwd entry. */
  record Account(String name, int uid, int gid, String home, String shell) {
  }

  private final SystemOperations ops;
  private Map<String, Account> accounts;
  private Map<String, Integer> groupIds;
  private Map<String, Set<String>> groupMembers;
  private Map<String, String> shadow;
  /** True when users were created or changed since the shadow database was read (if it was). */
  private boolean shadowStale;
  /** Users ensured in this run, in order, whose password {@link #lockPasswords} checks. */
  private final List<String> toLock = new ArrayList<>();

  Users(SystemOperations ops) {
    this.ops = ops;
  }

  private void load() throws FormatException {
    if (accounts != null) {
      return;
    }
    accounts = new HashMap<>();
    for (String line : getent("passwd")) {
      String[] f = line.split(":", -1);
      if (f.length >= 7) {
        accounts.put(f[0], new Account(f[0], parseInt(f[2]), parseInt(f[3]), f[5], f[6]));
      }
    }
    groupIds = new HashMap<>();
    groupMembers = new HashMap<>();
    for (String line : getent("group")) {
      String[] f = line.split(":", -1);
      if (f.length >= 4) {
        groupIds.put(f[0], parseInt(f[2]));
        Set<String> members = new HashSet<>();
        for (String m : f[3].split(",")) {
          if (!m.isEmpty()) {
            members.add(m);
          }
        }
        groupMembers.put(f[0], members);
      }
    }
  }

  /** Login name to password field; empty when the shadow database cannot be read. */
  private Map<String, String> readShadow() throws FormatException {
    Map<String, String> result = new HashMap<>();
    ExecResult s = ops.query(List.of("getent", "shadow"));
    if (s.ok()) {
      for (String line : s.output().split("\n")) {
        String[] f = line.split(":", -1);
        if (f.length >= 2) {
          result.put(f[0], f[1]);
        }
      }
    }
    return result;
  }

  private List<String> getent(String database) throws FormatException {
    ExecResult r = ops.query(List.of("getent", database));
    if (!r.ok() && r.exitCode() != 2) {
      throw new FormatException(Code.SYSTEM_COMMAND, "getent " + database + " failed: " + r.output().strip());
    }
    List<String> lines = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  boolean exists(String name) throws FormatException {
    load();
    return accounts.containsKey(name);
  }

  /**
   * Makes user {@code name} exist with its own group, home {@code home}, shell /bin/sh and the extra
   * groups; its password is locked by the next {@link #lockPasswords}.
   */
  void ensure(String name, String home, List<String> extraGroups) throws FormatException {
    load();
    boolean changed = false;
    Account account = accounts.get(name);
    boolean groupMissing = !groupIds.containsKey(name);
    if (groupMissing && account != null) {
      ExecResult r = ops.change(List.of("groupadd", name));
      if (!r.ok()) {
        throw new FormatException(Code.SYSTEM_COMMAND, "groupadd " + name + " failed: " + r.output().strip());
      }
      changed = true;
    }
    if (account == null) {
      // A new user and its new group in one useradd (-U) instead of groupadd + useradd -g: the
      // same result, one slow shadow-utils call less per partition.
      List<String> command = new ArrayList<>(List.of("useradd", "-d", home));
      command.addAll(groupMissing ? List.of("-U") : List.of("-g", name));
      command.addAll(List.of("-s", SHELL, "-r"));
      if (!extraGroups.isEmpty()) {
        command.add("-G");
        command.add(String.join(",", extraGroups));
      }
      command.add(name);
      ExecResult r = ops.change(command);
      if (!r.ok()) {
        throw new FormatException(Code.SYSTEM_COMMAND, "useradd " + name + " failed: " + r.output().strip());
      }
      changed = true;
    } else if (!upToDate(account, home, extraGroups)) {
      List<String> command = new ArrayList<>(List.of("usermod", "-d", home, "-g", name, "-s", SHELL));
      if (!extraGroups.isEmpty()) {
        command.add("-aG");
        command.add(String.join(",", extraGroups));
      }
      command.add(name);
      ops.change(command); // the original tolerates a failing usermod
      changed = true;
    }
    if (changed && !ops.dryRun()) {
      // what the tools just wrote, without reading the whole databases again
      accounts.put(name, new Account(name, -1, -1, home, SHELL));
      groupIds.putIfAbsent(name, -1);
      for (String g : extraGroups) {
        groupMembers.computeIfAbsent(g, k -> new HashSet<>()).add(name);
      }
      shadowStale = true;
    }
    toLock.add(name);
  }

  /**
   * Locks the password of every user given to {@link #ensure} whose password is not locked yet
   * ({@code passwd -l}, which the original runs for every user on every run). useradd normally
   * creates accounts locked already, so this usually runs nothing: the shadow database is read
   * once for all users created or changed in this run instead of once per user.
   */
  void lockPasswords() throws FormatException {
    load();
    if (shadow == null || shadowStale) {
      // read here rather than with passwd and group: after this run's useradd, and only once
      shadow = readShadow();
      shadowStale = false;
    }
    for (String name : toLock) {
      String password = shadow.get(name);
      if (password != null && password.startsWith("!")) {
        continue;
      }
      ExecResult r = ops.change(List.of("passwd", "-l", name));
      if (!r.ok() && !ops.dryRun()) {
        throw new FormatException(Code.SYSTEM_COMMAND, "passwd -l " + name + " failed: " + r.output().strip());
      }
      if (!ops.dryRun()) {
        shadow.put(name, "!" + (password == null ? "" : password));
      }
    }
    toLock.clear();
  }

  private boolean upToDate(Account account, String home, List<String> extraGroups) {
    Integer gid = groupIds.get(account.name());
    if (gid == null || gid != account.gid() || !account.home().equals(home) || !account.shell().equals(SHELL)) {
      return false;
    }
    for (String g : extraGroups) {
      Set<String> members = groupMembers.get(g);
      if (members == null || !members.contains(account.name())) {
        return false;
      }
    }
    return true;
  }
}
