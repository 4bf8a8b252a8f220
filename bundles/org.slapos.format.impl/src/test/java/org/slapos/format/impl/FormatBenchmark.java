package org.slapos.format.impl;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;

/**
 * Prints how long formatting 100 partitions takes: unprivileged (no users, no network) and, as
 * root, privileged inside a throw-away network namespace (users, addresses, ranges, taps). Each
 * mode is timed for the first run and for the second run, which has nothing left to do.
 *
 * <p>Run from the repository root after {@code mvn install}:
 * <pre>
 * cd bundles/org.slapos.format.impl
 * mvn -o -q -Dmaven.repo.local=... dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.slapos.format.impl.FormatBenchmark [partitions]
 * </pre>
 */
public final class FormatBenchmark {
  private FormatBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int partitions = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Path dir = Files.createTempDirectory("format-bench");
    try {
      Map<String, String> o = options(dir.resolve("unprivileged"), partitions);
      o.put("alter_user", "False");
      o.put("alter_network", "False");
      o.put("root_check", "False");
      Files.createDirectories(dir.resolve("unprivileged"));
      FormatEngine engine = new FormatEngine(() -> new ExecSystemOperations(null, Duration.ofSeconds(60)),
          EnvironmentInfo.ofThisMachine(), () -> false, Clock.systemDefaultZone(), new SecureRandom());
      Map<String, String> warm = options(dir.resolve("warm-up"), partitions);
      warm.putAll(Map.of("alter_user", "False", "alter_network", "False", "root_check", "False"));
      Files.createDirectories(dir.resolve("warm-up"));
      time("unprivileged, cold JVM  ", partitions, () -> engine.format(new FormatRequest(warm, dir, false)));
      time("unprivileged, first run ", partitions, () -> engine.format(new FormatRequest(o, dir, false)));
      time("unprivileged, second run", partitions, () -> engine.format(new FormatRequest(o, dir, false)));

      if (!NetworkNamespace.available()) {
        System.out.println("privileged: skipped (needs root and ip netns)");
        return;
      }
      try (NetworkNamespace ns = new NetworkNamespace()) {
        Map<String, String> p = options(dir.resolve("privileged"), partitions);
        p.put("user_base_name", ns.prefix + "u");
        p.put("software_user", ns.prefix + "soft");
        Files.createDirectories(dir.resolve("privileged"));
        TimingOperations timing = new TimingOperations(ns.operations());
        FormatEngine first = new FormatEngine(() -> timing, EnvironmentInfo.ofThisMachine(), () -> true,
            Clock.systemDefaultZone(), new SecureRandom());
        time("privileged in namespace " + ns.name + ", first run ", partitions,
            () -> first.format(new FormatRequest(p, dir, false)));
        System.out.print(timing.report());
        TimingOperations secondTiming = new TimingOperations(ns.operations());
        FormatEngine root = new FormatEngine(() -> secondTiming, EnvironmentInfo.ofThisMachine(), () -> true,
            Clock.systemDefaultZone(), new SecureRandom());
        time("privileged in namespace " + ns.name + ", second run", partitions,
            () -> root.format(new FormatRequest(p, dir, false)));
        System.out.print(secondTiming.report());
      }
    } finally {
      delete(dir);
    }
  }

  interface Run {
    FormatResult run() throws Exception;
  }

  static void time(String label, int partitions, Run run) throws Exception {
    long start = System.nanoTime();
    FormatResult result = run.run();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("%s: %d partitions in %d ms (%d system changes)%n", label, partitions, millis,
        result.changes().size());
  }

  static Map<String, String> options(Path dir, int partitions) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("computer_id", "COMP-BENCH");
    o.put("master_url", "http://127.0.0.1:5001");
    o.put("instance_root", dir.resolve("inst").toString());
    o.put("software_root", dir.resolve("soft").toString());
    o.put("computer_xml", dir.resolve("slapos.xml").toString());
    o.put("partition_amount", String.valueOf(partitions));
    o.put("partition_base_name", "slappart");
    o.put("user_base_name", "slapuser");
    o.put("tap_base_name", "slaptap");
    o.put("interface_name", "lo");
    o.put("ipv4_local_network", "10.77.0.0/16");
    return o;
  }

  static void delete(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
