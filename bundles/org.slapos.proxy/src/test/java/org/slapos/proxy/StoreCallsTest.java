package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.store.sqlite.SqliteMasterStore;
import org.slapos.slap.marshal.Marshal;

/** How many store calls a request costs: the existence check is only made when forwarding is possible. */
class StoreCallsTest {
  private static final String SR = "http://sr//";
  private static final String LISTED_SR = "http://listed//";

  @TempDir
  Path dir;
  private SqliteMasterStore store;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private SlapEndpoints endpoints;

  @BeforeEach
  void open() throws Exception {
    store = SqliteMasterStore.open(new SqliteMasterStore.Settings(dir.resolve("proxy.db"), "computer", "/", 2, 10_000));
    store.formatComputer(new ComputerFormat("computer", "127.0.0.1", "255.0.0.0", List.of(
        new ComputerFormat.PartitionFormat("slappart0", List.of(new NetworkAddress("tap0", "10.0.0.1", "255.0.0.0"))),
        new ComputerFormat.PartitionFormat("slappart1", List.of(new NetworkAddress("tap1", "10.0.0.2", "255.0.0.0"))))));
    MasterStore counting = (MasterStore) Proxy.newProxyInstance(MasterStore.class.getClassLoader(),
        new Class<?>[] {MasterStore.class}, (proxy, method, arguments) -> {
          calls.computeIfAbsent(method.getName(), name -> new AtomicInteger()).incrementAndGet();
          try {
            return method.invoke(store, arguments);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    String runId = SlapEndpoints.newRunId();
    Multimaster.Entry other = new Multimaster.Entry("http://127.0.0.1:9/", null, null, List.of(LISTED_SR), null, null);
    endpoints = new SlapEndpoints(counting, new Multimaster(Map.of(other.url(), other), runId, Duration.ofSeconds(1),
        () -> null), new SlapEndpoints.Settings(Map.of(), runId, 1 << 20));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private int request(String softwareRelease, String title) {
    String body = ProxyFixture.form("software_release", softwareRelease, "software_type", "default",
        "partition_reference", title, "shared_xml", Marshal.dumps(false), "partition_parameter_xml",
        Marshal.dumps(Map.of("n", "1")), "filter_xml", Marshal.dumps(Map.of()), "state", Marshal.dumps(null));
    Reply reply = endpoints.handle(new Exchange("POST", "/requestComputerPartition", null,
        body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
        "http", "127.0.0.1", 5001));
    return reply.status();
  }

  private int count(String method) {
    AtomicInteger count = calls.get(method);
    return count == null ? 0 : count.get();
  }

  @Test
  void aRequestThatCannotBeForwardedMakesOneStoreCall() {
    assertEquals(200, request(SR, "first"));
    assertEquals(200, request(SR, "first"));
    assertEquals(0, count("instanceExists"));
    assertEquals(2, count("request"));
  }

  @Test
  void aRequestThatCouldBeForwardedChecksForALocalInstanceFirst() throws Exception {
    store.request(new org.slapos.master.api.InstanceRequestSpec(null, null, LISTED_SR, "default", "local", false,
        Map.of(), null, null, null));
    assertEquals(200, request(LISTED_SR, "local"));
    assertEquals(1, count("instanceExists"));
    assertEquals(1, count("request"));
  }
}
