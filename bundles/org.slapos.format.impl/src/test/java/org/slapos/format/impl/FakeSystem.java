package org.slapos.format.impl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slapos.format.api.FormatException;

/**
 * An in-memory machine for tests without root: interfaces, addresses, routes, users and groups
 * that the {@code ip}, {@code getent}, {@code useradd}... commands read and change as the real
 * ones would. Directories are real (under a temporary directory); owners are only recorded.
 */
final class FakeSystem implements SystemOperations {
  static final class Addr {
    final String ifname;
    final String addr;
    final int len;
    int tentativeLooks;
    boolean dadFailed;

    Addr(String ifname, String addr, int len) {
      this.ifname = ifname;
      this.addr = addr;
      this.len = len;
    }
  }

  final Map<String, String> links = new LinkedHashMap<>();
  final List<Addr> addresses = new ArrayList<>();
  final List<String> localRoutes = new ArrayList<>();
  final List<String> routes6 = new ArrayList<>();
  final List<String> routes4 = new ArrayList<>();
  final Map<String, String[]> users = new LinkedHashMap<>(); // name -> uid, gid, home, shell
  final Map<String, Integer> groups = new LinkedHashMap<>();
  final Map<String, Set<String>> members = new HashMap<>();
  final Map<String, String> shadow = new HashMap<>();
  final Map<Path, List<String>> owners = new HashMap<>();
  final List<String> commands = new ArrayList<>();
  final List<String> queries = new ArrayList<>();
  /** Addresses that stay tentative for that many looks once added (duplicate address detection). */
  final Map<String, Integer> tentativeOnAdd = new HashMap<>();
  /** Addresses that fail duplicate address detection once added. */
  final Set<String> duplicates = new LinkedHashSet<>();
  /** Changes starting with one of these fail as the kernel would refuse them. */
  final Set<String> refused = new LinkedHashSet<>();
  String nonlocalBind = "0";
  private int nextId = 1000;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  FakeSystem() {
    links.put("lo", "LOOPBACK,UP,LOWER_UP");
    addresses.add(new Addr("lo", "127.0.0.1", 8));
    addresses.add(new Addr("lo", "::1", 128));
    users.put("root", new String[] {"0", "0", "/root", "/bin/bash"});
    groups.put("root", 0);
  }

  @Override
  public boolean dryRun() {
    return false;
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  private void announce(String line) {
    commands.add(line);
    listeners.forEach(l -> l.accept(line));
  }

  @Override
  public ExecResult query(List<String> c) {
    String line = String.join(" ", c);
    queries.add(line);
    StringBuilder out = new StringBuilder();
    switch (line) {
      case "ip -o addr show" -> addresses.forEach(a -> out.append(render(a)));
      case "ip -o link show" -> {
        int i = 1;
        for (Map.Entry<String, String> e : links.entrySet()) {
          out.append(i++).append(": ").append(e.getKey()).append(": <").append(e.getValue()).append("> mtu 1500\\    link/ether\n");
        }
      }
      case "ip -6 route show table local" -> localRoutes.forEach(r -> out.append(r).append('\n'));
      case "ip -6 route show" -> routes6.forEach(r -> out.append(r).append('\n'));
      case "ip -6 route show table all" -> {
        routes6.forEach(r -> out.append(r).append('\n'));
        localRoutes.forEach(r -> out.append(r.replaceFirst(" dev lo", " dev lo table local")).append('\n'));
      }
      case "ip route show" -> routes4.forEach(r -> out.append(r).append('\n'));
      case "sysctl -n net.ipv6.ip_nonlocal_bind" -> out.append(nonlocalBind).append('\n');
      case "getent passwd" -> users.forEach((n, u) -> out.append(n).append(":x:").append(u[0]).append(':').append(u[1])
          .append("::").append(u[2]).append(':').append(u[3]).append('\n'));
      case "getent group" -> groups.forEach((n, g) -> out.append(n).append(":x:").append(g).append(':')
          .append(String.join(",", members.getOrDefault(n, Set.of()))).append('\n'));
      case "getent shadow" -> shadow.forEach((n, p) -> out.append(n).append(':').append(p).append(":::::::\n"));
      default -> {
        if (line.startsWith("getent shadow ")) {
          String password = shadow.get(c.get(2));
          return password == null ? new ExecResult(2, "") : new ExecResult(0, c.get(2) + ":" + password + ":::::::\n");
        } else if (line.startsWith("ip -o -6 addr show dev ")) {
          String dev = c.get(c.size() - 1);
          for (Addr a : addresses) {
            if (a.ifname.equals(dev) && a.addr.contains(":")) {
              out.append(render(a));
              if (a.tentativeLooks > 0) {
                a.tentativeLooks--;
              }
            }
          }
        } else {
          return new ExecResult(1, "unexpected query " + line);
        }
      }
    }
    return new ExecResult(0, out.toString());
  }

  private static String render(Addr a) {
    boolean v6 = a.addr.contains(":");
    String flags = a.dadFailed ? " dadfailed tentative" : a.tentativeLooks > 0 ? " tentative" : "";
    return "1: " + a.ifname + "    " + (v6 ? "inet6 " : "inet ") + a.addr + "/" + a.len + " scope "
        + (a.addr.equals("::1") || a.addr.startsWith("127.") ? "host" : "global") + flags
        + " \\       valid_lft forever preferred_lft forever\n";
  }

  @Override
  public ExecResult change(List<String> c) {
    String line = String.join(" ", c);
    announce(line);
    if (refused.stream().anyMatch(line::startsWith)) {
      return new ExecResult(1, "RTNETLINK answers: Operation not permitted");
    }
    List<String> a = c;
    if (line.startsWith("ip addr add ")) {
      String[] cidr = a.get(3).split("/");
      String dev = a.get(5);
      if (!links.containsKey(dev)) {
        return new ExecResult(1, "Cannot find device \"" + dev + "\"");
      }
      for (Addr x : addresses) {
        if (x.ifname.equals(dev) && x.addr.equals(cidr[0])) {
          return new ExecResult(2, "RTNETLINK answers: File exists");
        }
      }
      Addr added = new Addr(dev, cidr[0], Integer.parseInt(cidr[1]));
      added.tentativeLooks = tentativeOnAdd.getOrDefault(cidr[0], 0);
      added.dadFailed = duplicates.contains(cidr[0]);
      addresses.add(added);
    } else if (line.startsWith("ip addr del ")) {
      String addr = a.get(3).split("/")[0];
      addresses.removeIf(x -> x.addr.equals(addr) && x.ifname.equals(a.get(5)));
    } else if (line.startsWith("ip tuntap add ")) {
      links.put(a.get(4), "BROADCAST,MULTICAST");
    } else if (line.startsWith("ip link set ")) {
      links.computeIfPresent(a.get(3), (k, v) -> v + ",UP");
    } else if (line.startsWith("ip -6 route add local ")) {
      localRoutes.add("local " + a.get(5) + " dev lo proto kernel metric 1024 pref medium");
    } else if (line.startsWith("ip -6 route add ")) {
      routes6.add(String.join(" ", a.subList(4, a.size())).replaceFirst("dev (\\S+) via (\\S+)", "via $2 dev $1"));
    } else if (line.startsWith("ip route add ")) {
      routes4.add(a.get(3) + " dev " + a.get(5) + " scope link");
    } else if (line.equals("sysctl net.ipv6.ip_nonlocal_bind=1")) {
      nonlocalBind = "1";
    } else if (a.get(0).equals("groupadd")) {
      groups.put(a.get(1), nextId++);
    } else if (a.get(0).equals("useradd") || a.get(0).equals("usermod")) {
      String name = a.get(a.size() - 1);
      String home = a.get(a.indexOf("-d") + 1);
      if (a.contains("-U")) {
        groups.put(name, nextId++);
      }
      String group = a.contains("-U") ? name : a.get(a.indexOf("-g") + 1);
      String shell = a.get(a.indexOf("-s") + 1);
      String uid = users.containsKey(name) ? users.get(name)[0] : String.valueOf(nextId++);
      users.put(name, new String[] {uid, String.valueOf(groups.get(group)), home, shell});
      int extra = Math.max(a.indexOf("-G"), a.indexOf("-aG"));
      if (extra > 0) {
        for (String g : a.get(extra + 1).split(",")) {
          members.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(name);
        }
      }
      shadow.putIfAbsent(name, "*");
    } else if (a.get(0).equals("passwd")) {
      shadow.put(a.get(2), "!" + shadow.getOrDefault(a.get(2), ""));
    }
    return new ExecResult(0, "");
  }

  @Override
  public void createDirectories(Path directory, int mode) throws FormatException {
    announce("mkdir -m " + Integer.toOctalString(mode) + " " + directory);
    new ExecSystemOperations(null, java.time.Duration.ofSeconds(5)).createDirectories(directory, mode);
  }

  @Override
  public void setMode(Path path, int mode) throws FormatException {
    announce("chmod " + Integer.toOctalString(mode) + " " + path);
    try {
      java.nio.file.Files.setPosixFilePermissions(path, ExecSystemOperations.permissions(mode));
    } catch (java.io.IOException e) {
      throw new FormatException(FormatException.Code.FILESYSTEM, e.toString(), e);
    }
  }

  @Override
  public void setOwner(Path path, String user, String group) {
    announce("chown " + user + ":" + group + " " + path);
    owners.put(path, List.of(user, group));
  }

  @Override
  public int mode(Path path) throws FormatException {
    return ExecSystemOperations.modeOf(path);
  }

  @Override
  public List<String> owner(Path path) {
    return owners.getOrDefault(path, List.of("root", "root"));
  }

  @Override
  public Set<String> missingCommands(List<String> commands) {
    return Set.of();
  }

  List<String> addressesOf(String ifname) {
    List<String> result = new ArrayList<>();
    for (Addr a : addresses) {
      if (a.ifname.equals(ifname)) {
        result.add(a.addr + "/" + a.len);
      }
    }
    return result;
  }
}
