package org.slapos.master.store.sqlite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.NetworkAddress;

/** Helpers shared by the store tests: the store on a temporary file, formats and requests. */
final class StoreFixture {
  static final String COMPUTER = "computer";

  private StoreFixture() {
  }

  static SqliteMasterStore open(Path dir) throws MasterStoreException {
    return open(dir.resolve("proxy.db"), COMPUTER);
  }

  static SqliteMasterStore open(Path file, String computerId) throws MasterStoreException {
    return SqliteMasterStore.open(new SqliteMasterStore.Settings(file, computerId, "/", 4, 10_000));
  }

  /** fmt(n, C): slappart0..n-1, each with 1.2.3.4 and 4.3.2.1 on tap0, as the Python tests do. */
  static ComputerFormat format(String computer, int partitions) {
    List<ComputerFormat.PartitionFormat> list = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      list.add(new ComputerFormat.PartitionFormat("slappart" + i, List.of(
          new NetworkAddress("tap0", "1.2.3.4", "255.255.255.255"),
          new NetworkAddress("tap0", "4.3.2.1", "255.255.255.255"))));
    }
    return new ComputerFormat(computer, "127.0.0.1", "255.255.255.255", list);
  }

  /** A request builder with the Python tests' defaults (type default, user requester, no SLA). */
  static Req req(String softwareRelease, String title) {
    return new Req(softwareRelease, title);
  }

  static final class Req {
    private final String softwareRelease;
    private final String title;
    private String type = "default";
    private String requesterComputer;
    private String requesterPartition;
    private boolean shared;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private String computerGuid;
    private String instanceGuid;
    private String state;

    Req(String softwareRelease, String title) {
      this.softwareRelease = softwareRelease;
      this.title = title;
    }

    Req type(String v) {
      type = v;
      return this;
    }

    /** Requested from partition {@code p} of the default computer. */
    Req from(String p) {
      return from(COMPUTER, p);
    }

    Req from(String computer, String p) {
      requesterComputer = computer;
      requesterPartition = p;
      return this;
    }

    Req shared() {
      shared = true;
      return this;
    }

    Req param(String k, Object v) {
      parameters.put(k, v);
      return this;
    }

    Req on(String computer) {
      computerGuid = computer;
      return this;
    }

    Req instanceGuid(String guid) {
      instanceGuid = guid;
      return this;
    }

    Req state(String s) {
      state = s;
      return this;
    }

    InstanceRequestSpec build() {
      return new InstanceRequestSpec(requesterComputer, requesterPartition, softwareRelease, type, title, shared,
          parameters, computerGuid, instanceGuid, state);
    }
  }
}
