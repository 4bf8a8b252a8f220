package org.slapos.format.impl;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slapos.format.impl.SystemOperations.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's interfaces, addresses and routes, read with {@code ip} and changed through
 * {@link SystemOperations}. Reads are cached for the run and kept in step with the changes made,
 * so a formatted node costs a handful of {@code ip} calls, not several per partition.
 */
final class Network {
  private static final Logger LOG = LoggerFactory.getLogger(Network.class);
  private static final Pattern ADDRESS_LINE =
      Pattern.compile("^\\d+:\\s+([^\\s@]+)(?:@\\S+)?\\s+(inet6?)\\s+([0-9a-fA-F:.]+)/(\\d+)(.*)$");
  private static final Pattern LINK_LINE = Pattern.compile("^\\d+:\\s+([^:@\\s]+)(?:@[^:]+)?:\\s+<([^>]*)>");
  /** Interval between two looks at an address that is still tentative (duplicate address detection). */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** One address on one interface. */
  record IfAddress(String ifname, boolean ipv6, String addr, int prefixlen, boolean tentative, boolean dadFailed) {
  }

  private final SystemOperations ops;
  private final Duration readyTimeout;
  /**
   * Changes whose success needs no immediate answer (taps, routes): sent to one {@code ip -batch}
   * process by {@link #flush}, instead of one process each.
   */
  private final List<List<String>> pending = new ArrayList<>();
  private List<IfAddress> addresses;
  /** Addresses queued by {@link #addAddress} while a batch is open, null when none is. */
  private List<PendingAddress> pendingAddresses;
  /** {@link #key} of each address the kernel refused or that failed duplicate address detection. */
  private final Set<String> refused = new HashSet<>();

  /** An {@code ip addr add} queued in the address batch. */
  private record PendingAddress(String ifname, String addr, boolean awaitDad, List<String> command) {
  }
  private Map<String, String> links;
  private RouteTable localRoutes;
  private RouteTable routes6;
  private RouteTable routes4;

  /** Route lines indexed by their canonical destination, so a lookup parses nothing. */
  static final class RouteTable {
    private final Map<String, List<String>> byDestination = new java.util.HashMap<>();

    /** {@code destinationField}: 0 for the main tables, 1 for the local table ("local DEST ..."). */
    static RouteTable parse(String output, int destinationField) {
      RouteTable table = new RouteTable();
      for (String line : lines(output)) {
        String[] t = line.split("\\s+");
        if (t.length > destinationField) {
          table.add(t[destinationField], line);
        }
      }
      return table;
    }

    void add(String destination, String line) {
      byDestination.computeIfAbsent(canonicalNetwork(destination), k -> new ArrayList<>()).add(line);
    }

    boolean has(String destination, String dev, String via) {
      for (String line : byDestination.getOrDefault(canonicalNetwork(destination), List.of())) {
        if (line.contains("dev " + dev) && (via == null || line.contains("via " + via))) {
          return true;
        }
      }
      return false;
    }
  }

  Network(SystemOperations ops, Duration readyTimeout) {
    this.ops = ops;
    this.readyTimeout = readyTimeout;
  }

  // ------------------------------------------------------------------ reads

  List<IfAddress> addresses() throws FormatException {
    if (addresses == null) {
      if (links == null) {
        readInterfaces();
      } else {
        addresses = parseAddresses(read(List.of("ip", "-o", "addr", "show")));
      }
    }
    return addresses;
  }

  /** Links and addresses with one {@code ip -o -batch} process instead of two. */
  private void readInterfaces() throws FormatException {
    List<List<String>> reads = List.of(List.of("ip", "-o", "link", "show"), List.of("ip", "-o", "addr", "show"));
    ExecResult r = ops.queryAll(reads);
    if (!r.ok()) {
      throw new FormatException(Code.NETWORK, "ip -o link show / ip -o addr show failed: " + r.output().strip());
    }
    links = parseLinks(r.output());
    addresses = parseAddresses(r.output());
  }

  /** Interface name to flags from {@code ip -o link show} lines; other lines are skipped. */
  static Map<String, String> parseLinks(String output) {
    Map<String, String> found = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      Matcher m = LINK_LINE.matcher(line.strip());
      if (m.find()) {
        found.put(m.group(1), m.group(2));
      }
    }
    return found;
  }

  static List<IfAddress> parseAddresses(String output) {
    List<IfAddress> result = new ArrayList<>();
    for (String line : output.split("\n")) {
      Matcher m = ADDRESS_LINE.matcher(line.strip());
      if (m.matches()) {
        boolean v6 = m.group(2).equals("inet6");
        String addr = v6 ? IpMath.normalizeIpv6(m.group(3)) : m.group(3);
        String rest = m.group(5);
        result.add(new IfAddress(m.group(1), v6, addr, Integer.parseInt(m.group(4)),
            rest.contains(" tentative"), rest.contains(" dadfailed")));
      }
    }
    return result;
  }

  /** Interface name to its flags ({@code LOOPBACK,UP,LOWER_UP}). */
  Map<String, String> links() throws FormatException {
    if (links == null) {
      if (addresses == null) {
        readInterfaces();
      } else {
        links = parseLinks(read(List.of("ip", "-o", "link", "show")));
      }
    }
    return links;
  }

  boolean exists(String ifname) throws FormatException {
    return links().containsKey(ifname);
  }

  private String read(List<String> command) throws FormatException {
    ExecResult r = ops.query(command);
    if (!r.ok()) {
      throw new FormatException(Code.NETWORK, String.join(" ", command) + " failed: " + r.output().strip());
    }
    return r.output();
  }

  /** {@code getGlobalScopeAddressList}: global-scope IPv6 of an interface, netmask in address form. */
  List<IpMath.Prefixed> globalIpv6(String ifname) throws FormatException {
    if (!exists(ifname)) {
      throw new FormatException(Code.NETWORK, "Interface " + ifname + " does not exist");
    }
    List<IpMath.Prefixed> result = new ArrayList<>();
    for (IfAddress a : addresses()) {
      if (a.ifname().equals(ifname) && a.ipv6() && IpMath.isGlobalScopeIpv6(a.addr())) {
        result.add(new IpMath.Prefixed(a.addr(), a.prefixlen()));
      }
    }
    return result;
  }

  /**
   * {@code Interface.getAddress}: with a preferred address, the lowest interface address whose
   * network contains it; otherwise the one with the shortest prefix, then the lowest.
   */
  static IpMath.Prefixed preferred(List<IpMath.Prefixed> list, String preferredAddr) {
    if (preferredAddr != null && IpMath.isIpv6(preferredAddr)) {
      IpMath.Prefixed best = null;
      for (IpMath.Prefixed a : list) {
        if (IpMath.sameNetwork(a.addr(), preferredAddr, a.prefixlen())
            && (best == null || IpMath.parseIpv6(a.addr()).compareTo(IpMath.parseIpv6(best.addr())) < 0)) {
          best = a;
        }
      }
      if (best != null) {
        return best;
      }
    }
    IpMath.Prefixed best = null;
    for (IpMath.Prefixed a : list) {
      if (best == null || a.prefixlen() < best.prefixlen()
          || (a.prefixlen() == best.prefixlen() && IpMath.parseIpv6(a.addr()).compareTo(IpMath.parseIpv6(best.addr())) < 0)) {
        best = a;
      }
    }
    return best;
  }

  /**
   * {@link #preferred} for many preferred addresses against one list, each address of the list
   * parsed once: on a formatted node the list holds every partition's address too, and the engine
   * asks for a base for each stored address.
   */
  static final class Bases {
    private final List<IpMath.Prefixed> list;
    /** Prefix length, then network value, to the lowest address of the list in that network. */
    private final Map<Integer, Map<BigInteger, Map.Entry<BigInteger, IpMath.Prefixed>>> lowestByNetwork =
        new java.util.TreeMap<>();
    private final Map<String, IpMath.Prefixed> chosen = new java.util.HashMap<>();

    Bases(List<IpMath.Prefixed> list) {
      this.list = List.copyOf(list);
      for (IpMath.Prefixed a : this.list) {
        BigInteger value = IpMath.parseIpv6(a.addr());
        BigInteger network = value.and(IpMath.maskIpv6(a.prefixlen()));
        lowestByNetwork.computeIfAbsent(a.prefixlen(), k -> new java.util.HashMap<>())
            .merge(network, Map.entry(value, a), (x, y) -> x.getKey().compareTo(y.getKey()) <= 0 ? x : y);
      }
    }

    boolean isEmpty() {
      return list.isEmpty();
    }

    /** Same answer as {@code Network.preferred(list, preferredAddr)}; null for an empty list. */
    IpMath.Prefixed preferred(String preferredAddr) {
      if (list.isEmpty()) {
        return null;
      }
      String key = preferredAddr != null && IpMath.isIpv6(preferredAddr) ? preferredAddr : "";
      IpMath.Prefixed known = chosen.get(key);
      if (known != null) {
        return known;
      }
      IpMath.Prefixed result = null;
      if (!key.isEmpty()) {
        BigInteger value = IpMath.parseIpv6(key);
        Map.Entry<BigInteger, IpMath.Prefixed> best = null;
        for (var byLength : lowestByNetwork.entrySet()) {
          var candidate = byLength.getValue().get(value.and(IpMath.maskIpv6(byLength.getKey())));
          if (candidate != null && (best == null || candidate.getKey().compareTo(best.getKey()) < 0)) {
            best = candidate;
          }
        }
        result = best == null ? null : best.getValue();
      }
      if (result == null) {
        result = Network.preferred(list, null);
      }
      chosen.put(key, result);
      return result;
    }
  }

  boolean hasAddress(String ifname, String addr) throws FormatException {
    for (IfAddress a : addresses()) {
      if (a.ifname().equals(ifname) && a.addr().equals(addr)) {
        return true;
      }
    }
    return false;
  }

  /** IPv4 addresses of an interface that lie in a network. */
  List<String> ipv4In(String ifname, IpMath.Ipv4Network network) throws FormatException {
    List<String> result = new ArrayList<>();
    for (IfAddress a : addresses()) {
      if (!a.ipv6() && a.ifname().equals(ifname) && network.contains(IpMath.parseIpv4(a.addr()))) {
        result.add(a.addr());
      }
    }
    return result;
  }

  /** The first IPv4 address of an interface with its prefix length, for tap gateways. */
  IfAddress firstIpv4(String ifname) throws FormatException {
    if (!exists(ifname)) {
      throw new FormatException(Code.NETWORK, "Could not find interface called " + ifname + " to use as gateway for tap network");
    }
    for (IfAddress a : addresses()) {
      if (!a.ipv6() && a.ifname().equals(ifname)) {
        return a;
      }
    }
    throw new FormatException(Code.NETWORK, "Could not find IPv4 address on interface " + ifname + ".");
  }

  // ------------------------------------------------------------------ changes

  /**
   * {@code _addSystemAddress}: adds an address unless another interface has it, then, for IPv6 on a
   * non-tap interface, waits until duplicate address detection is over: a duplicate is removed and
   * reported as a failure. The wait polls and ends as soon as the address is usable; loopback
   * interfaces, where the kernel runs no detection, are not polled at all. While an address batch
   * is open ({@link #beginAddressBatch}) the address is only queued and taken as added; {@link
   * #commitAddressBatch} tells which were not. An address refused once in this run is not tried
   * again.
   */
  boolean addAddress(String addr, int prefixlen, boolean ipv6, String ifname, boolean tap) throws FormatException {
    for (IfAddress a : addresses()) {
      if (a.addr().equals(addr) && !a.ifname().equals(ifname)) {
        LOG.warn("Cannot add address {} to {} as it already exists on interface {}.", addr, ifname, a.ifname());
        return false;
      }
    }
    if (refused.contains(key(ifname, addr))) {
      return false;
    }
    String cidr = addr + "/" + prefixlen;
    if (!hasAddress(ifname, addr)) {
      List<String> command = new ArrayList<>(List.of("ip", "addr", "add", cidr, "dev", ifname));
      if (tap && ipv6) {
        command.add("noprefixroute");
      }
      boolean awaitDad = ipv6 && !tap && !links().getOrDefault(ifname, "").contains("LOOPBACK");
      if (pendingAddresses != null) {
        pendingAddresses.add(new PendingAddress(ifname, addr, awaitDad, command));
        addresses.add(new IfAddress(ifname, ipv6, addr, prefixlen, awaitDad, false));
        return true;
      }
      if (!ops.change(command).ok()) {
        refused.add(key(ifname, addr));
        return false;
      }
      addresses.add(new IfAddress(ifname, ipv6, addr, prefixlen, false, false));
      if (ops.dryRun() || !awaitDad) {
        return true;
      }
      return awaitUsable(addr, cidr, ifname);
    }
    return true;
  }

  /** Identifies an address on an interface; IPv6 in its normal form. */
  private static String key(String ifname, String addr) {
    return ifname + " " + (IpMath.isIpv6(addr) ? IpMath.normalizeIpv6(addr) : addr);
  }

  /** True when {@code addr} could not be added to {@code ifname} in this run. */
  boolean wasRefused(String ifname, String addr) {
    return refused.contains(key(ifname, addr));
  }

  /** From now on {@link #addAddress} and {@link #ensureTunAddress} queue their commands. */
  void beginAddressBatch() throws FormatException {
    addresses();
    pendingAddresses = new ArrayList<>();
  }

  /**
   * Adds the queued addresses with one {@code ip -force -batch} (a refused address does not stop
   * the others), checks with one read which are there, and polls until duplicate address detection
   * is over for those that need it, all at once, with the same deadline as one address has: a
   * duplicate (or an address still tentative at the deadline) is removed. Ends the batch.
   *
   * @return true when some address was refused ({@link #wasRefused} tells which)
   */
  boolean commitAddressBatch() throws FormatException {
    List<PendingAddress> batch = pendingAddresses;
    pendingAddresses = null;
    if (batch == null || batch.isEmpty()) {
      return false;
    }
    List<List<String>> commands = new ArrayList<>();
    for (PendingAddress p : batch) {
      commands.add(p.command());
    }
    ExecResult result = ops.changeAll(commands);
    if (ops.dryRun()) {
      return false;
    }
    if (!result.ok()) {
      LOG.warn("Some addresses were refused: {}", result.output().strip().replace('\n', ' '));
    }
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    addresses = parseAddresses(read(List.of("ip", "-o", "addr", "show")));
    Set<String> newlyRefused = new LinkedHashSet<>();
    List<PendingAddress> awaiting = new ArrayList<>();
    for (PendingAddress p : batch) {
      IfAddress state = find(addresses, p.ifname(), p.addr());
      if (state == null) {
        LOG.warn("Could not add address {} to {}", p.addr(), p.ifname());
        newlyRefused.add(key(p.ifname(), p.addr()));
      } else if (p.awaitDad() && (state.tentative() || state.dadFailed())) {
        awaiting.add(p);
      }
    }
    while (!awaiting.isEmpty()) {
      Set<String> interfaces = new LinkedHashSet<>();
      awaiting.forEach(p -> interfaces.add(p.ifname()));
      boolean late = System.nanoTime() - deadline >= 0;
      for (String ifname : interfaces) {
        List<IfAddress> now = parseAddresses(read(List.of("ip", "-o", "-6", "addr", "show", "dev", ifname)));
        for (var it = awaiting.iterator(); it.hasNext();) {
          PendingAddress p = it.next();
          if (!p.ifname().equals(ifname)) {
            continue;
          }
          IfAddress state = find(now, ifname, p.addr());
          if (state == null) {
            LOG.warn("Address {} vanished from {} after it was added", p.addr(), ifname);
            newlyRefused.add(key(ifname, p.addr()));
            it.remove();
          } else if (state.dadFailed() || (state.tentative() && late)) {
            LOG.warn("Address {} on {} is a duplicate ({}); removing it", p.addr(), ifname, state.dadFailed()
                ? "duplicate address detection failed" : "still tentative after " + readyTimeout.toMillis() + " ms");
            ops.change(List.of("ip", "addr", "del", p.command().get(3), "dev", ifname));
            newlyRefused.add(key(ifname, p.addr()));
            it.remove();
          } else if (!state.tentative()) {
            it.remove();
          }
        }
      }
      if (!awaiting.isEmpty()) {
        LockSupport.parkNanos(POLL_NANOS);
      }
    }
    addresses.removeIf(a -> newlyRefused.contains(key(a.ifname(), a.addr())));
    refused.addAll(newlyRefused);
    return !newlyRefused.isEmpty();
  }

  private static IfAddress find(List<IfAddress> list, String ifname, String addr) {
    String normal = IpMath.isIpv6(addr) ? IpMath.normalizeIpv6(addr) : addr;
    for (IfAddress a : list) {
      if (a.ifname().equals(ifname) && a.addr().equals(normal)) {
        return a;
      }
    }
    return null;
  }

  private boolean awaitUsable(String addr, String cidr, String ifname) throws FormatException {
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (true) {
      IfAddress state = find(parseAddresses(read(List.of("ip", "-o", "-6", "addr", "show", "dev", ifname))), ifname, addr);
      if (state == null) {
        LOG.warn("Address {} vanished from {} after it was added", addr, ifname);
        addresses = null;
        refused.add(key(ifname, addr));
        return false;
      }
      if (state.dadFailed() || (state.tentative() && System.nanoTime() - deadline >= 0)) {
        LOG.warn("Address {} on {} is a duplicate ({}); removing it", addr, ifname, state.dadFailed()
            ? "duplicate address detection failed" : "still tentative after " + readyTimeout.toMillis() + " ms");
        ops.change(List.of("ip", "addr", "del", cidr, "dev", ifname));
        addresses = null;
        refused.add(key(ifname, addr));
        return false;
      }
      if (!state.tentative()) {
        return true;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** {@code allowNonlocalBind}: partitions may bind addresses of their range that no interface has. */
  void allowNonlocalBind() throws FormatException {
    ExecResult current = ops.query(List.of("sysctl", "-n", "net.ipv6.ip_nonlocal_bind"));
    if (current.ok() && current.output().strip().equals("1")) {
      return;
    }
    ops.change(List.of("sysctl", "net.ipv6.ip_nonlocal_bind=1"));
  }

  /**
   * {@code addLocalRouteIpv6Range}: {@code ip -6 route add local NETWORK dev lo} unless present;
   * queued until {@link #flush}.
   */
  void ensureLocalRoute(String network) throws FormatException {
    readRoutes6();
    if (localRoutes.has(network, "lo", null)) {
      return;
    }
    pending.add(List.of("ip", "-6", "route", "add", "local", network, "dev", "lo"));
    localRoutes.add(network, "local " + network + " dev lo");
  }

  /** The main and local IPv6 route tables with one {@code ip -6 route show table all}. */
  private void readRoutes6() throws FormatException {
    if (routes6 != null) {
      return;
    }
    String output = read(List.of("ip", "-6", "route", "show", "table", "all"));
    routes6 = new RouteTable();
    localRoutes = new RouteTable();
    for (String line : lines(output)) {
      String[] t = line.split("\\s+");
      if ((" " + line + " ").contains(" table local ")) {
        if (t.length > 1) {
          localRoutes.add(t[1], line); // "local DEST dev lo table local ..."
        }
      } else if (!(" " + line).contains(" table ")) {
        routes6.add(t[0], line); // the main table prints no table name
      }
    }
  }

  static String canonicalNetwork(String text) {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (!IpMath.isIpv6(addr)) {
      return text;
    }
    try {
      int len = slash < 0 ? 128 : Integer.parseInt(text.substring(slash + 1));
      return IpMath.ipv6Network(addr, len);
    } catch (NumberFormatException e) {
      return text;
    }
  }

  /** {@code Tap.createWithOwner}: an existing tap is left alone; queued until {@link #flush}. */
  void ensureTap(String name, String mode, String owner) throws FormatException {
    if (exists(name)) {
      return;
    }
    pending.add(List.of("ip", "tuntap", "add", "dev", name, "mode", mode, "user", owner));
    pending.add(List.of("ip", "link", "set", name, "up"));
    links.put(name, "UP");
  }

  /**
   * {@code Tap.createRoutes}: host route to the tap's IPv4, gateway and network routes for IPv6;
   * queued until {@link #flush}.
   */
  void ensureTapRoutes(String tap, String ipv4Addr, String ipv6Gateway, String ipv6Network) throws FormatException {
    if (!ipv4Addr.isEmpty()) {
      if (routes4 == null) {
        routes4 = RouteTable.parse(read(List.of("ip", "route", "show")), 0);
      }
      if (!routes4.has(ipv4Addr, tap, null)) {
        pending.add(List.of("ip", "route", "add", ipv4Addr, "dev", tap));
        routes4.add(ipv4Addr, ipv4Addr + " dev " + tap);
      }
    }
    if (!ipv6Network.isEmpty()) {
      readRoutes6();
      if (!routes6.has(ipv6Gateway, tap, null)) {
        pending.add(List.of("ip", "-6", "route", "add", ipv6Gateway, "dev", tap));
        routes6.add(ipv6Gateway, ipv6Gateway + " dev " + tap);
      }
      if (!routes6.has(ipv6Network, tap, ipv6Gateway)) {
        if (routes6.has(ipv6Network, tap, null)) {
          pending.add(List.of("ip", "-6", "route", "del", ipv6Network, "dev", tap));
        }
        pending.add(List.of("ip", "-6", "route", "add", ipv6Network, "dev", tap, "via", ipv6Gateway));
        routes6.add(ipv6Network, ipv6Network + " via " + ipv6Gateway + " dev " + tap);
      }
    }
  }

  /** Adds an address to a tun (its IPv4 network or IPv6 network), unless it is there. */
  void ensureTunAddress(String tun, String cidr) throws FormatException {
    String addr = cidr.substring(0, cidr.indexOf('/'));
    if (IpMath.isIpv6(addr)) {
      addr = IpMath.normalizeIpv6(addr);
    }
    if (hasAddress(tun, addr)) {
      return;
    }
    String len = cidr.substring(cidr.indexOf('/') + 1);
    String command = len.contains(".") ? addr + "/" + IpMath.prefixOfIpv4Netmask(len) : cidr;
    if (pendingAddresses != null) {
      // a tun has no carrier until a VM opens it: no duplicate address detection to wait for
      pendingAddresses.add(new PendingAddress(tun, addr, false, List.of("ip", "addr", "add", command, "dev", tun)));
      addresses.add(new IfAddress(tun, IpMath.isIpv6(addr), addr, 0, false, false));
      return;
    }
    if (ops.change(List.of("ip", "addr", "add", command, "dev", tun)).ok()) {
      addresses.add(new IfAddress(tun, IpMath.isIpv6(addr), addr, 0, false, false));
    }
  }

  /** Runs the queued changes; the first failing one stops the batch and is reported. */
  void flush() throws FormatException {
    if (pending.isEmpty()) {
      return;
    }
    List<List<String>> batch = new ArrayList<>(pending);
    pending.clear();
    ExecResult r = ops.changeBatch(batch);
    if (!r.ok()) {
      throw new FormatException(Code.SYSTEM_COMMAND, "ip -batch failed: " + r.output().strip().replace('\n', ' '));
    }
  }

  private static List<String> lines(String output) {
    List<String> result = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        result.add(line.strip());
      }
    }
    return result;
  }
}
