package org.slapos.format.impl;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands with Apache Commons Exec (argument lists, never a shell) and changes files with
 * java.nio. Network commands ({@code ip}, {@code sysctl}) can be sent into a network namespace,
 * which is how the tests and the benchmark format a namespace instead of the host.
 */
final class ExecSystemOperations implements SystemOperations {
  private static final Logger LOG = LoggerFactory.getLogger(ExecSystemOperations.class);

  private final String networkNamespace;
  private final Duration timeout;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param networkNamespace null for the host, else the name given to {@code ip netns}
   * @param timeout the longest any one command may run
   */
  ExecSystemOperations(String networkNamespace, Duration timeout) {
    this.networkNamespace = networkNamespace;
    this.timeout = timeout;
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
    LOG.info("{}", line);
    for (Consumer<String> listener : listeners) {
      listener.accept(line);
    }
  }

  /** The command as actually run: network commands go into the namespace. */
  List<String> effective(List<String> command) {
    if (networkNamespace == null || command.isEmpty()) {
      return command;
    }
    List<String> result = new ArrayList<>();
    if (command.get(0).equals("ip")) {
      result.add("ip");
      result.add("-n");
      result.add(networkNamespace);
      result.addAll(command.subList(1, command.size()));
    } else if (command.get(0).equals("sysctl")) {
      result.addAll(List.of("ip", "netns", "exec", networkNamespace));
      result.addAll(command);
    } else {
      return command;
    }
    return result;
  }

  @Override
  public ExecResult query(List<String> command) throws FormatException {
    ExecResult result = run(effective(command));
    LOG.debug("{} -> {}", command, result.exitCode());
    return result;
  }

  /** {@code ip} reads with the same global options go to one {@code ip OPTIONS -batch -} process. */
  @Override
  public ExecResult queryAll(List<List<String>> commands) throws FormatException {
    List<String> options = commands.isEmpty() ? List.of() : globalIpOptions(commands.get(0));
    if (commands.size() < 2 || options == null
        || !commands.stream().allMatch(c -> options.equals(globalIpOptions(c)))) {
      return SystemOperations.super.queryAll(commands);
    }
    StringBuilder input = new StringBuilder();
    for (List<String> command : commands) {
      input.append(String.join(" ", command.subList(1 + options.size(), command.size()))).append('\n');
    }
    List<String> batch = new ArrayList<>(List.of("ip"));
    batch.addAll(options);
    batch.addAll(List.of("-batch", "-"));
    ExecResult result = run(effective(batch), input.toString());
    LOG.debug("{} -> {}", commands, result.exitCode());
    return result;
  }

  /** The options between {@code ip} and its object ({@code [-o]} of {@code ip -o addr show}), null if not ip. */
  private static List<String> globalIpOptions(List<String> command) {
    if (command.isEmpty() || !command.get(0).equals("ip")) {
      return null;
    }
    int i = 1;
    while (i < command.size() && command.get(i).startsWith("-")) {
      i++;
    }
    return command.subList(1, i);
  }

  @Override
  public ExecResult change(List<String> command) throws FormatException {
    announce(String.join(" ", command));
    ExecResult result = run(effective(command));
    if (!result.ok()) {
      LOG.warn("{} exited with {}: {}", String.join(" ", command), result.exitCode(), result.output().strip());
    }
    return result;
  }

  /** {@code ip} commands go to one {@code ip -batch -} process; anything else runs one by one. */
  @Override
  public ExecResult changeBatch(List<List<String>> commands) throws FormatException {
    if (!allIp(commands)) {
      return SystemOperations.super.changeBatch(commands);
    }
    return ipBatch(commands, false);
  }

  /** {@code ip} commands go to one {@code ip -force -batch -} process; anything else runs one by one. */
  @Override
  public ExecResult changeAll(List<List<String>> commands) throws FormatException {
    if (!allIp(commands)) {
      return SystemOperations.super.changeAll(commands);
    }
    return ipBatch(commands, true);
  }

  private static boolean allIp(List<List<String>> commands) {
    return !commands.isEmpty() && commands.stream().allMatch(c -> c.get(0).equals("ip"));
  }

  /** {@code force}: go on after a failing line ({@code ip -force}), else stop at the first. */
  private ExecResult ipBatch(List<List<String>> commands, boolean force) throws FormatException {
    StringBuilder input = new StringBuilder();
    for (List<String> command : commands) {
      announce(String.join(" ", command));
      List<String> args = command.subList(1, command.size());
      // a batch line takes no global option: "-6" goes, the IPv6 addresses give the family
      if (!args.isEmpty() && args.get(0).equals("-6")) {
        args = args.subList(1, args.size());
      }
      input.append(String.join(" ", args)).append('\n');
    }
    List<String> batch = effective(force ? List.of("ip", "-force", "-batch", "-") : List.of("ip", "-batch", "-"));
    ExecResult result = run(batch, input.toString());
    if (!result.ok()) {
      LOG.warn("{} exited with {}: {}", String.join(" ", batch), result.exitCode(), result.output().strip());
    }
    return result;
  }

  private ExecResult run(List<String> command) throws FormatException {
    return run(command, null);
  }

  private ExecResult run(List<String> command, String standardInput) throws FormatException {
    CommandLine line = new CommandLine(command.get(0));
    for (String arg : command.subList(1, command.size())) {
      line.addArgument(arg, false);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(standardInput == null ? new PumpStreamHandler(output)
        : new PumpStreamHandler(output, output, new java.io.ByteArrayInputStream(standardInput.getBytes(StandardCharsets.UTF_8))));
    executor.setWatchdog(watchdog);
    executor.setExitValues(null);
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.put("LC_ALL", "C");
    int exit;
    try {
      exit = executor.execute(line, environment);
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    } catch (IOException e) {
      throw new FormatException(Code.SYSTEM_COMMAND, "Cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    if (watchdog.killedProcess()) {
      throw new FormatException(Code.SYSTEM_COMMAND,
          String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
    }
    return new ExecResult(exit, output.toString(StandardCharsets.UTF_8));
  }

  @Override
  public Set<String> missingCommands(List<String> commands) {
    Set<String> missing = new LinkedHashSet<>();
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String command : commands) {
      boolean found = false;
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
          found = true;
          break;
        }
      }
      if (!found) {
        missing.add(command);
      }
    }
    return missing;
  }

  @Override
  public void createDirectories(Path directory, int mode) throws FormatException {
    announce("mkdir -m " + Integer.toOctalString(mode) + " " + directory);
    try {
      Files.createDirectories(directory);
    } catch (FileAlreadyExistsException e) {
      throw new FormatException(Code.FILESYSTEM, "Cannot create directory " + directory + ": a file is in the way", e);
    } catch (IOException e) {
      throw new FormatException(Code.FILESYSTEM, "Cannot create directory " + directory + ": " + describe(e), e);
    }
  }

  @Override
  public void setMode(Path path, int mode) throws FormatException {
    announce("chmod " + Integer.toOctalString(mode) + " " + path);
    try {
      Files.setPosixFilePermissions(path, permissions(mode));
    } catch (IOException e) {
      throw new FormatException(Code.FILESYSTEM, "Cannot change the mode of " + path + ": " + describe(e), e);
    }
  }

  @Override
  public void setOwner(Path path, String user, String group) throws FormatException {
    announce("chown " + user + ":" + group + " " + path);
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      UserPrincipal owner = lookup.lookupPrincipalByName(user);
      GroupPrincipal groupPrincipal = lookup.lookupPrincipalByGroupName(group);
      view.setOwner(owner);
      view.setGroup(groupPrincipal);
    } catch (IOException e) {
      throw new FormatException(Code.FILESYSTEM, "Cannot give " + path + " to " + user + ":" + group + ": " + describe(e), e);
    }
  }

  @Override
  public int mode(Path path) throws FormatException {
    return modeOf(path);
  }

  static int modeOf(Path path) throws FormatException {
    try {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return -1;
      }
      return toMode(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new FormatException(Code.FILESYSTEM, "Cannot read the mode of " + path + ": " + describe(e), e);
    }
  }

  @Override
  public List<String> owner(Path path) throws FormatException {
    return ownerOf(path);
  }

  static List<String> ownerOf(Path path) throws FormatException {
    try {
      PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return List.of(attributes.owner().getName(), attributes.group().getName());
    } catch (IOException e) {
      throw new FormatException(Code.FILESYSTEM, "Cannot read the owner of " + path + ": " + describe(e), e);
    }
  }

  static String describe(IOException e) {
    String name = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    return e.getMessage() == null ? name : name + " " + e.getMessage();
  }

  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(BITS[i]);
      }
    }
    return set;
  }

  static int toMode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (permissions.contains(BITS[i])) {
        mode |= 1 << i;
      }
    }
    return mode;
  }
}
