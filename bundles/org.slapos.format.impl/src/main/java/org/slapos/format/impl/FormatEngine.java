package org.slapos.format.impl;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slapos.format.api.AddressDTO;
import org.slapos.format.api.ComputerDTO;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;
import org.slapos.format.api.InterfaceDTO;
import org.slapos.format.api.Ipv6RangeDTO;
import org.slapos.format.api.PartitionDTO;
import org.slapos.format.api.TapDTO;
import org.slapos.format.api.TunDTO;
import org.slapos.format.api.UserDTO;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.MarshalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The formatter itself, without OSGi: one {@link #format} call is one {@code slapos node format}
 * run (the original's {@code do_format}). Everything it changes goes through the
 * {@link SystemOperations} the factory gives for the run.
 */
final class FormatEngine {
  private static final Logger LOG = LoggerFactory.getLogger(FormatEngine.class);

  private final Supplier<SystemOperations> operations;
  private final EnvironmentInfo environment;
  private final BooleanSupplier runningAsRoot;
  private final Clock clock;
  private final Random random;

  FormatEngine(Supplier<SystemOperations> operations, EnvironmentInfo environment, BooleanSupplier runningAsRoot,
      Clock clock, Random random) {
    this.operations = operations;
    this.environment = environment;
    this.runningAsRoot = runningAsRoot;
    this.clock = clock;
    this.random = random;
  }

  FormatResult format(FormatRequest request) throws FormatException {
    if (FormatSettings.rootCheck(request) && !runningAsRoot.getAsBoolean()) {
      throw new FormatException(Code.NOT_ROOT, "This slapos command must be run as root.");
    }
    FormatSettings settings = FormatSettings.parse(request);
    SystemOperations real = operations.get();
    SystemOperations ops = settings.dryRun() ? new DryRunSystemOperations(real) : real;
    List<String> changes = new ArrayList<>();
    ops.onChange(changes::add);
    if (!settings.dryRun()) {
      List<String> needed = new ArrayList<>();
      if (settings.alterUser()) {
        needed.addAll(List.of("groupadd", "useradd", "usermod", "passwd", "getent"));
      }
      if (settings.alterNetwork()) {
        needed.addAll(List.of("ip", "sysctl"));
      }
      Set<String> missing = ops.missingCommands(needed);
      if (!missing.isEmpty()) {
        throw new FormatException(Code.USAGE, "Some required binaries are missing or not functional: "
            + String.join(",", missing));
      }
      checkWritableDirectory(settings.computerXml().getParent(), "the state file " + settings.computerXml());
    }
    Run run = new Run(settings, ops, request.options().get("certificate_repository_path"));
    ComputerDTO computer = run.execute();
    Map<String, Object> dict = ComputerDict.toDict(computer);
    boolean written = false;
    if (!settings.dryRun()) {
      for (PartitionDTO p : computer.partitions) {
        StateFiles.writeResource(Path.of(p.path), p);
      }
      if (settings.computerJson() != null) {
        StateFiles.writeJson(settings.computerJson(), dict);
      }
      written = StateFiles.writeState(settings.computerXml(), StateFiles.stateBytes(dict), LocalDateTime.now(clock));
    }
    return new FormatResult(computer, Marshal.dumps(dict), changes, written);
  }

  private static void checkWritableDirectory(Path directory, String what) throws FormatException {
    if (directory == null || !Files.isDirectory(directory)) {
      throw new FormatException(Code.STATE_FILE, "Cannot write " + what + ": directory " + directory + " does not exist");
    }
    if (!Files.isWritable(directory)) {
      throw new FormatException(Code.STATE_FILE, "Cannot write " + what + ": directory " + directory + " is not writable");
    }
  }

  /** One run's state: the settings, the system door, the network view and the reservations. */
  private final class Run {
    private final FormatSettings s;
    private final SystemOperations ops;
    private final Network network;
    private final Users users;
    private final String certificateRepository;
    private final Set<String> reservedRanges = new HashSet<>();
    private final Set<String> usedIpv4 = new HashSet<>();
    /** References of the partitions whose addresses were chosen in this run, not stored. */
    private final Set<String> derivedAddresses = new HashSet<>();
    private List<IpMath.Prefixed> ipv6Base = List.of();
    /**
     * {@link #ipv6Base} ready for choosing: on a formatted node it holds every partition's address
     * too, and a base is asked for each stored address, which made a second run quadratic.
     */
    private BaseCache bases;

    private record BaseCache(List<IpMath.Prefixed> list, Network.Bases chooser) {
    }

    Run(FormatSettings s, SystemOperations ops, String certificateRepository) {
      this.s = s;
      this.ops = ops;
      this.network = new Network(ops, s.addressReadyTimeout());
      this.users = new Users(ops);
      this.certificateRepository = certificateRepository;
    }

    ComputerDTO execute() throws FormatException {
      ComputerDTO computer = s.inputDefinitionFile() != null ? fromDefinition() : fromState();
      computer.instanceStorageHome = s.instanceStorageHome();
      LOG.info("Updating computer");
      readIpv6Base(computer);
      IpMath.Prefixed base = basePreferring(computer.address);
      if (base != null) {
        computer.address = base.addr();
        computer.netmask = IpMath.netmaskIpv6(base.prefixlen());
      }
      if (s.outputDefinitionFile() != null) {
        DefinitionFiles.write(s.outputDefinitionFile(), computer);
      }
      apply(computer);
      if (certificateRepository != null && !certificateRepository.isEmpty()) {
        Path repository = Path.of(certificateRepository);
        if (ops.mode(repository) < 0) {
          ops.createDirectories(repository, 0700);
          ops.setMode(repository, 0700);
        }
      }
      computer.osType = environment.osType();
      computer.pythonVersion = environment.runtimeVersion();
      computer.slaposVersion = environment.slaposVersion();
      computer.publicIpv4Address = environment.publicIpv4Address();
      return computer;
    }

    // -------------------------------------------------------------- the model

    private ComputerDTO newComputer(String softwareUser, Path softwareRoot, Path instanceRoot) {
      ComputerDTO c = new ComputerDTO();
      c.reference = s.computerId();
      c.ipv6Interface = s.ipv6Interface();
      c.partitionHasIpv6Range = s.partitionHasIpv6Range();
      c.softwareUser = softwareUser;
      c.tapGatewayInterface = s.tapGatewayInterface();
      c.tapIpv6 = s.tapIpv6();
      c.softwareRoot = softwareRoot.toString();
      c.instanceRoot = instanceRoot.toString();
      return c;
    }

    private InterfaceDTO configuredInterface() {
      if (s.interfaceName() == null) {
        return null;
      }
      InterfaceDTO i = new InterfaceDTO();
      i.name = s.interfaceName();
      i.ipv4LocalNetwork = s.ipv4LocalNetworkText();
      i.ipv6Interface = s.ipv6InterfaceOrName();
      i.ipv6Prefixshift = s.ipv6Prefixshift();
      return i;
    }

    private ComputerDTO fromDefinition() throws FormatException {
      DefinitionFiles.Definition d = DefinitionFiles.read(s.inputDefinitionFile(), s.partitionAmount(), s.instanceRoot());
      ComputerDTO c = newComputer(d.softwareUser(), s.softwareRoot(), s.instanceRoot());
      c.address = d.address();
      c.netmask = d.netmask();
      if (s.alterNetwork() && s.interfaceName() != null && s.ipv4LocalNetwork() != null) {
        c.networkInterface = configuredInterface();
      }
      c.partitions.addAll(d.partitions());
      for (int i = 0; i < c.partitions.size(); i++) {
        if (s.createTun()) {
          c.partitions.get(i).tun = newTun(i, s.partitionAmount(), s.tunIpv6());
        }
      }
      return c;
    }

    private ComputerDTO fromState() throws FormatException {
      Path xml = s.computerXml();
      ComputerDTO c;
      if (Files.exists(xml)) {
        LOG.debug("Loading previous computer data from {}", xml);
        ComputerDict.Stored stored;
        try {
          stored = ComputerDict.stored(Marshal.loads(Files.readAllBytes(xml)));
        } catch (IOException e) {
          throw new FormatException(Code.STATE_FILE, "Cannot read state file " + xml + ": " + ExecSystemOperations.describe(e), e);
        } catch (MarshalException | IllegalArgumentException e) {
          throw new FormatException(Code.STATE_FILE, "Cannot read state file " + xml + ": " + e.getMessage(), e);
        }
        // [quirk kept] the roots stored in the state file win over the configuration.
        c = newComputer(stored.softwareUser(),
            stored.softwareRoot() != null ? Path.of(stored.softwareRoot()) : s.softwareRoot(),
            stored.instanceRoot() != null ? Path.of(stored.instanceRoot()) : s.instanceRoot());
        c.address = stored.address();
        c.netmask = stored.netmask();
        int index = 0;
        for (Map<String, Object> pd : stored.partitions()) {
          PartitionDTO p;
          try {
            p = ComputerDict.partition(pd);
          } catch (IllegalArgumentException e) {
            throw new FormatException(Code.STATE_FILE, "Cannot read state file " + xml + ": " + e.getMessage(), e);
          }
          if (p.tun == null && s.createTun()) {
            p.tun = newTun(index, Math.max(s.partitionAmount(), 1), s.tunIpv6());
          }
          c.partitions.add(p);
          index++;
        }
      } else {
        LOG.warn("Creating new computer data with id '{}'", s.computerId());
        c = newComputer(s.softwareUser(), s.softwareRoot(), s.instanceRoot());
      }
      c.networkInterface = configuredInterface();
      int existing = c.partitions.size();
      if (s.partitionAmount() < existing) {
        throw new FormatException(Code.CONFIGURATION, "Requested amount of computer partitions (" + s.partitionAmount()
            + ") is lower than already configured (" + existing + "), cannot continue");
      }
      if (s.partitionAmount() > existing) {
        for (String key : new String[] {"partition_base_name", "user_base_name", "tap_base_name"}) {
          String v = switch (key) {
            case "partition_base_name" -> s.partitionBaseName();
            case "user_base_name" -> s.userBaseName();
            default -> s.tapBaseName();
          };
          if (v == null) {
            throw new FormatException(Code.USAGE, "Parameter '" + key + "' is not defined.");
          }
        }
        LOG.info("Adding {} new partitions", s.partitionAmount() - existing);
      }
      for (int i = existing; i < s.partitionAmount(); i++) {
        PartitionDTO p = new PartitionDTO();
        p.reference = s.partitionBaseName() + i;
        p.path = Path.of(c.instanceRoot).resolve(p.reference).toString();
        p.user = new UserDTO();
        p.user.name = s.userBaseName() + i;
        p.tap = new TapDTO();
        p.tap.name = s.tapBaseName() + i;
        if (s.createTun()) {
          p.tun = newTun(i, s.partitionAmount(), s.tunIpv6());
        }
        c.partitions.add(p);
      }
      return c;
    }

    /** {@code Tun(name, i, amount)}: subnet i of 172.16.0.0/12 cut into 2^ceil(log2(amount)) parts. */
    private TunDTO newTun(int index, int amount, boolean needsIpv6) {
      TunDTO t = new TunDTO();
      t.name = "slaptun" + index;
      int shift = amount <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(amount - 1);
      int len = 12 + shift;
      long subnet = IpMath.parseIpv4("172.16.0.0") + ((long) index << (32 - len));
      String netmask = IpMath.netmaskIpv4(len);
      t.ipv4Addr = IpMath.formatIpv4(subnet + 1);
      t.ipv4Netmask = netmask;
      t.ipv4Network = t.ipv4Addr + "/" + netmask;
      return t;
    }

    // -------------------------------------------------------------- IPv6 base

    private void readIpv6Base(ComputerDTO computer) throws FormatException {
      if (computer.networkInterface == null) {
        return;
      }
      String ipv6If = computer.networkInterface.ipv6Interface;
      if (s.alterNetwork()) {
        ipv6Base = network.globalIpv6(ipv6If);
        if (ipv6Base.isEmpty()) {
          throw new FormatException(Code.NETWORK, "No IPv6 found on interface " + ipv6If + " to construct IPv6 with.");
        }
      } else {
        try {
          ipv6Base = network.exists(ipv6If) ? network.globalIpv6(ipv6If) : List.of();
        } catch (FormatException e) {
          LOG.info("No IPv6 base for unprivileged format ({}); partitions get IPv4 only", e.getMessage());
          ipv6Base = List.of();
        }
      }
    }

    private IpMath.Prefixed basePreferring(String address) {
      if (bases == null || bases.list != ipv6Base) {
        bases = new BaseCache(ipv6Base, new Network.Bases(ipv6Base));
      }
      return bases.chooser.preferred(address);
    }

    // -------------------------------------------------------------- Computer.format

    private void apply(ComputerDTO c) throws FormatException {
      Path instanceRoot = Path.of(c.instanceRoot);
      Path softwareRoot = Path.of(c.softwareRoot);
      for (Path root : List.of(instanceRoot, softwareRoot)) {
        ensureDirectory(root, 0755);
      }
      if (s.alterUser()) {
        users.ensure(c.softwareUser, softwareRoot.toString(), List.of());
        ensureOwner(softwareRoot, c.softwareUser);
      }
      List<String> storage = externalStorage(c.instanceStorageHome);

      IpMath.Ipv4Network gatewayNetwork = null;
      List<Long> tapIpv4 = new ArrayList<>();
      Network.IfAddress gateway = null;
      if (s.alterNetwork()) {
        if (c.networkInterface == null) {
          throw new FormatException(Code.USAGE, "Parameter 'interface_name' is not defined.");
        }
        if (c.address != null) {
          ensureIpv6(c.address, c.netmask);
        }
        if (s.createTap() && !s.tapGatewayInterface().isEmpty()) {
          gateway = network.firstIpv4(s.tapGatewayInterface());
          gatewayNetwork = IpMath.parseIpv4Network(gateway.addr() + "/" + gateway.prefixlen());
          long gw = IpMath.parseIpv4(gateway.addr());
          for (long a = gatewayNetwork.network() + 1; a < gatewayNetwork.network() + gatewayNetwork.size(); a++) {
            if (a != gw) {
              tapIpv4.add(a);
            }
          }
          if (tapIpv4.size() < c.partitions.size()) {
            throw new FormatException(Code.NETWORK, "Could not create " + c.partitions.size()
                + " tap interfaces from address " + gateway.addr() + ".");
          }
        }
        if (s.partitionHasIpv6Range()) {
          network.allowNonlocalBind();
        }
      }
      for (PartitionDTO p : c.partitions) {
        for (AddressDTO a : p.addresses) {
          if (a.addr != null && IpMath.isIpv4(a.addr)) {
            usedIpv4.add(a.addr);
          }
        }
      }

      // Users first, then every missing tap and tun in one ip -batch (a tap belongs to its
      // partition's user and must exist before its addresses), then addresses one by one (each
      // needs its answer), with the routes batched again at the end. The original interleaves these
      // per partition; the result is the same with a few processes instead of several per partition.
      for (PartitionDTO p : c.partitions) {
        p.path = instanceRoot.resolve(p.reference).toString();
        p.user.path = p.path;
        p.user.additionalGroupList = List.of(c.softwareUser);
        p.externalStorageList = new ArrayList<>();
        for (String dir : storage) {
          p.externalStorageList.add(dir + "/" + p.reference);
        }
        if (s.alterUser()) {
          users.ensure(p.user.name, p.path, List.of(c.softwareUser));
        }
      }
      if (s.alterUser()) {
        users.lockPasswords();
      }
      if (s.alterNetwork()) {
        for (PartitionDTO p : c.partitions) {
          String owner = users.exists(p.user.name) ? p.user.name : "root";
          if (s.createTap()) {
            network.ensureTap(p.tap.name, "tap", owner);
          }
          if (p.tun != null) {
            network.ensureTap(p.tun.name, "tun", owner);
          }
        }
        network.flush();
      }

      // Addresses: every partition's tap, tun and own addresses are chosen and queued, added by one
      // ip -batch and checked by one read (then polled while duplicate address detection runs, all
      // addresses at once). An address the kernel refused is chosen again the original way, one
      // command at a time. Routes are queued once the addresses are final.
      if (s.alterNetwork()) {
        network.beginAddressBatch();
      }
      for (int i = 0; i < c.partitions.size(); i++) {
        PartitionDTO p = c.partitions.get(i);
        if (s.alterNetwork()) {
          if (s.createTap()) {
            if (gateway != null) {
              long next = tapIpv4.get(i);
              if (p.tap.ipv4Addr.isEmpty()) {
                p.tap.ipv4Addr = IpMath.formatIpv4(next);
                p.tap.ipv4Netmask = IpMath.netmaskIpv4(gateway.prefixlen());
                p.tap.ipv4Gateway = gateway.addr();
                p.tap.ipv4Network = IpMath.formatIpv4(gatewayNetwork.network());
              }
            } else {
              p.tap.ipv4Addr = "";
              p.tap.ipv4Netmask = "";
              p.tap.ipv4Gateway = "";
              p.tap.ipv4Network = "";
            }
            assignTapIpv6(p, i);
          }
          if (p.tun != null) {
            if (p.tun.ipv6Addr.isEmpty() && s.tunIpv6()) {
              IpMath.Prefixed range = generateRange(IpMath.RangeKind.TUN, i);
              String first = IpMath.firstAddress(range.addr(), range.prefixlen());
              p.tun.ipv6Addr = first;
              p.tun.ipv6Netmask = IpMath.netmaskIpv6(range.prefixlen());
              p.tun.ipv6Network = first + "/" + range.prefixlen();
            }
            if (!p.tun.ipv4Network.isEmpty()) {
              network.ensureTunAddress(p.tun.name, p.tun.ipv4Network);
            }
            if (!p.tun.ipv6Network.isEmpty()) {
              network.ensureTunAddress(p.tun.name, p.tun.ipv6Network);
            }
          }
        }
        assignAddresses(c, p, i);
        assignRange(p, i);
      }
      if (s.alterNetwork() && network.commitAddressBatch()) {
        for (int i = 0; i < c.partitions.size(); i++) {
          replaceRefused(c.partitions.get(i), i);
        }
      }

      for (PartitionDTO p : c.partitions) {
        if (s.alterNetwork() && s.createTap()) {
          network.ensureTapRoutes(p.tap.name, p.tap.ipv4Addr, p.tap.ipv6Gateway, p.tap.ipv6Network);
        }
        ensureDirectory(Path.of(p.path), 0750);
        if (s.alterUser()) {
          ensureOwner(Path.of(p.path), users.exists(p.user.name) ? p.user.name : "root");
        }
        for (String dir : p.externalStorageList) {
          ensureDirectory(Path.of(dir), 0750);
          if (s.alterUser()) {
            ensureOwner(Path.of(dir), users.exists(p.user.name) ? p.user.name : "root");
          }
        }
      }
      network.flush();
    }

    /** The tap's IPv6 address (stored or derived), its gateway and network. */
    private void assignTapIpv6(PartitionDTO p, int i) throws FormatException {
      if (!s.tapIpv6()) {
        p.tap.ipv6Addr = "";
        p.tap.ipv6Netmask = "";
        p.tap.ipv6Gateway = "";
        p.tap.ipv6Network = "";
        return;
      }
      AddressDTO tapAddress = p.tap.ipv6Addr.isEmpty()
          ? addIpv6(i, null, null, p.tap.name)
          : addIpv6(i, p.tap.ipv6Addr, p.tap.ipv6Netmask, p.tap.name);
      p.tap.ipv6Addr = tapAddress.addr;
      p.tap.ipv6Netmask = tapAddress.netmask;
      int prefixlen = basePreferring(null).prefixlen() + 16;
      String gw = IpMath.firstAddress(p.tap.ipv6Addr, prefixlen);
      p.tap.ipv6Gateway = gw;
      p.tap.ipv6Network = gw + "/" + prefixlen;
    }

    /**
     * After the address batch: chooses again, one command at a time, each address of a partition
     * that the kernel refused or that failed duplicate address detection. The refused address is
     * never tried again, so this takes the original's fallback (the derived address, then random
     * ones when {@code ipv6_prefixshift} is 16, else an error).
     */
    private void replaceRefused(PartitionDTO p, int i) throws FormatException {
      if (s.createTap() && s.tapIpv6() && !p.tap.ipv6Addr.isEmpty()
          && network.wasRefused(p.tap.name, p.tap.ipv6Addr)) {
        // the refused address's range was reserved when it was chosen; the original reserves it
        // only once the address is on the tap
        reservedRanges.remove(IpMath.ipv6Network(IpMath.normalizeIpv6(p.tap.ipv6Addr),
            IpMath.prefixOfIpv6Netmask(p.tap.ipv6Netmask)));
        assignTapIpv6(p, i);
      }
      // a partition's new addresses are chosen again as new ones, its stored ones as stored ones
      boolean derived = derivedAddresses.contains(p.reference);
      List<AddressDTO> renewed = new ArrayList<>();
      for (AddressDTO a : p.addresses) {
        if (IpMath.isIpv6(a.addr) && network.wasRefused(s.ipv6InterfaceOrName(), a.addr)) {
          renewed.add(derived ? addIpv6(i, null, null, null) : addIpv6(i, a.addr, a.netmask, null));
        } else if (IpMath.isIpv4(a.addr) && network.wasRefused(s.interfaceName(), a.addr)) {
          renewed.add(derived ? addIpv4(null) : addIpv4(a.addr));
        } else {
          renewed.add(a);
        }
      }
      p.addresses = renewed;
    }

    private void assignAddresses(ComputerDTO c, PartitionDTO p, int i) throws FormatException {
      if (p.addresses.isEmpty()) {
        derivedAddresses.add(p.reference);
        if (c.networkInterface != null && s.ipv4LocalNetwork() != null) {
          p.addresses.add(addIpv4(null));
        } else if (!s.alterNetwork() && s.ipv4LocalNetwork() != null) {
          p.addresses.add(addIpv4(null));
        }
        if (basePreferring(null) != null) {
          p.addresses.add(addIpv6(i, null, null, null));
        }
        return;
      }
      if (!s.alterNetwork()) {
        return; // stored addresses are kept as they are, nothing is (re)added
      }
      List<AddressDTO> old = p.addresses;
      if (old.size() != 2) {
        throw new FormatException(Code.STATE_FILE, "There should be exactly 2 stored addresses. Got: " + old
            + " (partition " + p.reference + ")");
      }
      if (old.stream().noneMatch(a -> IpMath.isIpv6(a.addr))) {
        throw new FormatException(Code.STATE_FILE, "No valid IPv6 address loaded from XML config (partition " + p.reference + ")");
      }
      if (old.stream().noneMatch(a -> IpMath.isIpv4(a.addr))) {
        throw new FormatException(Code.STATE_FILE, "No valid IPv4 address loaded from XML config (partition " + p.reference + ")");
      }
      List<AddressDTO> renewed = new ArrayList<>();
      for (AddressDTO a : old) {
        renewed.add(IpMath.isIpv6(a.addr) ? addIpv6(i, a.addr, a.netmask, null) : addIpv4(a.addr));
      }
      p.addresses = renewed;
    }

    private void assignRange(PartitionDTO p, int i) throws FormatException {
      if (!s.partitionHasIpv6Range()) {
        if (s.alterNetwork()) {
          p.ipv6Range = null;
        }
        return;
      }
      if (p.ipv6Range == null) {
        if (basePreferring(null) == null) {
          return;
        }
        IpMath.Prefixed r = generateRange(IpMath.RangeKind.PARTITION, i);
        Ipv6RangeDTO range = new Ipv6RangeDTO();
        range.addr = r.addr();
        range.prefixlen = r.prefixlen();
        range.netmask = IpMath.netmaskIpv6(r.prefixlen());
        range.network = r.addr() + "/" + r.prefixlen();
        p.ipv6Range = range;
      } else if (!IpMath.isIpv6(p.ipv6Range.addr)) {
        throw new FormatException(Code.STATE_FILE, "existing IPv6 range " + p.ipv6Range.addr + " is incorrect");
      }
      if (s.alterNetwork()) {
        network.ensureLocalRoute(p.ipv6Range.network);
      }
    }

    // -------------------------------------------------------------- addresses

    private boolean addSystem(String addr, int prefixlen, boolean ipv6, String ifname, boolean tap) throws FormatException {
      if (!s.alterNetwork()) {
        return true; // unprivileged: the address is only recorded
      }
      return network.addAddress(addr, prefixlen, ipv6, ifname, tap);
    }

    private void ensureIpv6(String addr, String netmask) throws FormatException {
      addIpv6(-1, addr, netmask, null);
    }

    /** {@code Interface.addIPv6Address}; {@code tap} is the tap's name or null. */
    private AddressDTO addIpv6(int index, String addr, String netmask, String tap) throws FormatException {
      String ipv6If = s.ipv6InterfaceOrName();
      String target = tap != null ? tap : ipv6If;
      IpMath.Prefixed base = basePreferring(addr);
      if (base == null) {
        throw new FormatException(Code.NETWORK, "No IPv6 found on interface " + ipv6If + " to construct IPv6 with.");
      }
      if (addr != null && netmask != null && IpMath.isIpv6(addr)) {
        String plainNetmask = netmask.contains("/") ? netmask.substring(0, netmask.indexOf('/')) : netmask;
        int len = IpMath.prefixOfIpv6Netmask(netmask);
        String normalized = IpMath.normalizeIpv6(addr);
        if (s.alterNetwork() && (network.hasAddress(ipv6If, normalized) || (tap != null && network.hasAddress(tap, normalized)))) {
          return new AddressDTO(addr, plainNetmask);
        }
        if (!s.alterNetwork()) {
          return new AddressDTO(addr, plainNetmask);
        }
        if (len == base.prefixlen() || (tap != null && len == 128)) {
          if (IpMath.sameNetwork(base.addr(), normalized, base.prefixlen())) {
            if (addSystem(normalized, len, true, target, tap != null)) {
              LOG.info("Successfully added IPv6 {} to {}.", addr, target);
              return new AddressDTO(addr, plainNetmask);
            }
            LOG.warn("Impossible to add old public IPv6 {}. Generating new IPv6 address.", addr);
          }
        }
      }
      if (index < 0) {
        throw new FormatException(Code.NETWORK, "Cannot add the computer address " + addr + " to " + ipv6If);
      }
      IpMath.Prefixed result;
      try {
        result = tap != null
            ? IpMath.range(IpMath.RangeKind.TAP, base.addr(), base.prefixlen(), index, s.ipv6Prefixshift())
            : IpMath.partitionAddress(base.addr(), base.prefixlen(), index);
      } catch (IllegalArgumentException e) {
        throw new FormatException(Code.NETWORK, e.getMessage(), e);
      }
      if (tap == null || checkRange(result)) {
        if (addSystem(result.addr(), result.prefixlen(), true, target, tap != null)) {
          if (tap != null) {
            reserve(result);
          }
          return new AddressDTO(result.addr(), IpMath.netmaskIpv6(result.prefixlen()));
        }
      }
      if (s.ipv6Prefixshift() != 16) {
        throw new FormatException(Code.NETWORK, "Address " + result.addr() + "/" + result.prefixlen() + " for partition "
            + index + (tap != null ? " tap" : "") + " is already taken; aborting because IPv6 prefixshift is "
            + s.ipv6Prefixshift() + " != 16");
      }
      LOG.warn("Falling back to random address selection for partition {} because {}/{} is already taken",
          index, result.addr(), result.prefixlen());
      for (int attempt = 0; attempt < 10; attempt++) {
        result = tap != null ? randomRange(base, true) : randomAddress(base);
        if (tap == null || checkRange(result)) {
          if (addSystem(result.addr(), result.prefixlen(), true, target, tap != null)) {
            if (tap != null) {
              reserve(result);
            }
            return new AddressDTO(result.addr(), IpMath.netmaskIpv6(result.prefixlen()));
          }
        }
      }
      throw new FormatException(Code.NETWORK, "Generated IPv6 " + result.addr() + " seems not to be a valid IP.");
    }

    private IpMath.Prefixed randomAddress(IpMath.Prefixed base) {
      BigInteger value = IpMath.parseIpv6(base.addr()).andNot(BigInteger.valueOf(0xffff))
          .or(BigInteger.valueOf(1 + random.nextInt(65000)));
      return new IpMath.Prefixed(IpMath.formatIpv6(value), base.prefixlen());
    }

    private IpMath.Prefixed randomRange(IpMath.Prefixed base, boolean ones) throws FormatException {
      int len = base.prefixlen() + 16;
      if (len >= 128) {
        throw new FormatException(Code.NETWORK, "Address range " + base.addr() + "/" + base.prefixlen()
            + " is too small for IPv6 subranges");
      }
      BigInteger value = IpMath.parseIpv6(base.addr()).and(IpMath.maskIpv6(base.prefixlen()))
          .or(BigInteger.valueOf(1 + random.nextInt(65000)).shiftLeft(128 - len));
      if (ones) {
        value = value.or(IpMath.ALL_ONES_128.shiftRight(len));
      }
      return new IpMath.Prefixed(IpMath.formatIpv6(value), len);
    }

    private boolean checkRange(IpMath.Prefixed r) {
      String net = IpMath.ipv6Network(r.addr(), r.prefixlen());
      if (reservedRanges.contains(net)) {
        LOG.warn("Address range {} is already attributed", net);
        return false;
      }
      return true;
    }

    private void reserve(IpMath.Prefixed r) {
      reservedRanges.add(IpMath.ipv6Network(r.addr(), r.prefixlen()));
    }

    /** {@code Interface.generateIPv6Range}. */
    private IpMath.Prefixed generateRange(IpMath.RangeKind kind, int index) throws FormatException {
      IpMath.Prefixed base = basePreferring(null);
      if (base == null) {
        throw new FormatException(Code.NETWORK, "No IPv6 found on interface " + s.ipv6InterfaceOrName()
            + " to construct IPv6 with.");
      }
      IpMath.Prefixed r;
      try {
        r = IpMath.range(kind, base.addr(), base.prefixlen(), index, s.ipv6Prefixshift());
      } catch (IllegalArgumentException e) {
        throw new FormatException(Code.NETWORK, e.getMessage(), e);
      }
      if (checkRange(r)) {
        reserve(r);
        return r;
      }
      if (s.ipv6Prefixshift() != 16) {
        throw new FormatException(Code.NETWORK, "Address " + r.addr() + "/" + r.prefixlen() + " for partition " + index
            + " is already taken; aborting because IPv6 prefixshift is " + s.ipv6Prefixshift() + " != 16");
      }
      for (int attempt = 0; attempt < 10; attempt++) {
        r = randomRange(base, false);
        if (checkRange(r)) {
          reserve(r);
          return r;
        }
      }
      throw new FormatException(Code.NETWORK, "Generated IPv6 " + r.addr() + " seems not to be a valid IP.");
    }

    /** {@code Interface.addIPv4LocalAddress}: netmask 255.255.255.255 on {@code interface_name}. */
    private AddressDTO addIpv4(String addr) throws FormatException {
      String netmask = "255.255.255.255";
      if (s.ipv4LocalNetwork() == null) {
        throw new FormatException(Code.USAGE, "Parameter 'ipv4_local_network' is not defined.");
      }
      if (addr != null) {
        if (s.alterNetwork() && network.hasAddress(s.interfaceName(), addr)) {
          usedIpv4.add(addr);
          return new AddressDTO(addr, netmask);
        }
        if (addSystem(addr, 32, false, s.interfaceName(), false)) {
          usedIpv4.add(addr);
          return new AddressDTO(addr, netmask);
        }
        LOG.warn("Impossible to add old local IPv4 {}. Generating new IPv4 address.", addr);
      }
      IpMath.Ipv4Network net = s.ipv4LocalNetwork();
      Set<String> taken = new HashSet<>(usedIpv4);
      if (s.interfaceName() != null && (s.alterNetwork() || safeExists(s.interfaceName()))) {
        taken.addAll(network.ipv4In(s.interfaceName(), net));
      }
      String candidate = null;
      for (int attempt = 0; attempt < 10; attempt++) {
        candidate = IpMath.formatIpv4(randomHost(net));
        if (taken.contains(candidate)) {
          continue;
        }
        if (addSystem(candidate, 32, false, s.interfaceName(), false)) {
          usedIpv4.add(candidate);
          return new AddressDTO(candidate, netmask);
        }
      }
      throw new FormatException(Code.NETWORK, "Cannot find a free IPv4 address in " + net + " (last tried " + candidate + ")");
    }

    private boolean safeExists(String ifname) {
      try {
        return network.exists(ifname);
      } catch (FormatException e) {
        return false;
      }
    }

    /** A random host address of the network; network and broadcast addresses are skipped when there are hosts. */
    private long randomHost(IpMath.Ipv4Network net) {
      long size = net.size();
      if (size <= 2) {
        return net.network() + (size == 1 ? 0 : random.nextInt((int) size));
      }
      return net.network() + 1 + (long) (random.nextDouble() * (size - 2));
    }

    // -------------------------------------------------------------- files

    private void ensureDirectory(Path dir, int mode) throws FormatException {
      int current = ops.mode(dir);
      if (current >= 0 && !Files.isDirectory(dir)) {
        throw new FormatException(Code.FILESYSTEM, "Cannot create directory " + dir + ": a file is in the way");
      }
      if (current < 0) {
        ops.createDirectories(dir, mode);
        ops.setMode(dir, mode);
      } else if (current != mode) {
        ops.setMode(dir, mode);
      }
    }

    private void ensureOwner(Path path, String user) throws FormatException {
      if (!ops.dryRun() && !Files.exists(path)) {
        return;
      }
      if (Files.exists(path)) {
        List<String> owner = ops.owner(path);
        if (owner.get(0).equals(user) && owner.get(1).equals(user)) {
          return;
        }
      }
      ops.setOwner(path, user, user);
    }

    private List<String> externalStorage(String home) throws FormatException {
      List<String> result = new ArrayList<>();
      if (home == null || home.isEmpty()) {
        return result;
      }
      Path dir = Path.of(home);
      if (!Files.isDirectory(dir)) {
        return result;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "data*")) {
        for (Path entry : entries) {
          String digits = entry.getFileName().toString().substring(4);
          if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
            result.add(entry.toString());
          }
        }
      } catch (IOException e) {
        throw new FormatException(Code.FILESYSTEM, "Cannot list " + dir + ": " + ExecSystemOperations.describe(e), e);
      }
      result.sort(null);
      return result;
    }
  }
}
