package org.slapos.slap.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments of a request (Python's {@code request(software_release, software_type,
 * partition_reference, shared, partition_parameter_kw, filter_kw, state)}). Immutable.
 * Parameter values may be String, Long, Double, Boolean, null, List or Map, as marshalled.
 */
public final class InstanceRequest {
  /** The software type sent when none is given (slapos.core's DEFAULT_SOFTWARE_TYPE). */
  public static final String DEFAULT_SOFTWARE_TYPE = "default";

  private final String softwareRelease;
  private final String softwareType;
  private final String partitionReference;
  private final boolean shared;
  private final Map<String, Object> parameters;
  private final Map<String, Object> filter;
  private final String state;

  private InstanceRequest(Builder b) {
    this.softwareRelease = Objects.requireNonNull(b.softwareRelease, "softwareRelease");
    this.partitionReference = Objects.requireNonNull(b.partitionReference, "partitionReference");
    this.softwareType = b.softwareType == null ? DEFAULT_SOFTWARE_TYPE : b.softwareType;
    this.shared = b.shared;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
    this.filter = Collections.unmodifiableMap(new LinkedHashMap<>(b.filter));
    this.state = b.state;
  }

  public static Builder builder(String softwareRelease, String partitionReference) {
    return new Builder().softwareRelease(softwareRelease).partitionReference(partitionReference);
  }

  public String softwareRelease() { return softwareRelease; }
  public String softwareType() { return softwareType; }
  public String partitionReference() { return partitionReference; }
  public boolean shared() { return shared; }
  public Map<String, Object> parameters() { return parameters; }
  public Map<String, Object> filter() { return filter; }
  /** started, stopped, destroyed, or null to keep the current state. */
  public String state() { return state; }

  /** Builder of {@link InstanceRequest}. */
  public static final class Builder {
    private String softwareRelease;
    private String softwareType;
    private String partitionReference;
    private boolean shared;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, Object> filter = new LinkedHashMap<>();
    private String state;

    public Builder softwareRelease(String v) { softwareRelease = v; return this; }
    public Builder softwareType(String v) { softwareType = v; return this; }
    public Builder partitionReference(String v) { partitionReference = v; return this; }
    public Builder shared(boolean v) { shared = v; return this; }
    public Builder parameters(Map<String, ?> v) { parameters.clear(); if (v != null) parameters.putAll(v); return this; }
    public Builder parameter(String k, Object v) { parameters.put(k, v); return this; }
    public Builder filter(Map<String, ?> v) { filter.clear(); if (v != null) filter.putAll(v); return this; }
    public Builder filter(String k, Object v) { filter.put(k, v); return this; }
    public Builder state(String v) { state = v; return this; }
    public InstanceRequest build() { return new InstanceRequest(this); }
  }
}
