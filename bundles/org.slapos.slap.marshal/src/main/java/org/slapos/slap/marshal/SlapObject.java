package org.slapos.slap.marshal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One of the four {@code slapos.slap.slap} objects allowed on the wire ({@code <object>} in marshal
 * XML): its class name, the constructor arguments ({@code __getinitargs__}) and the attribute
 * dictionary ({@code __dict__}).
 *
 * <p>Mutable on purpose: like the Python client, a Java client keeps every attribute it receives and
 * may add its own. Equality is by value (class name, arguments and state), which Python does not
 * offer but which makes round trips easy to check.
 */
public final class SlapObject {

    public static final String MODULE = "slapos.slap.slap";
    public static final String COMPUTER = "Computer";
    public static final String COMPUTER_PARTITION = "ComputerPartition";
    public static final String SOFTWARE_RELEASE = "SoftwareRelease";
    public static final String SOFTWARE_INSTANCE = "SoftwareInstance";

    private static final Set<String> ALLOWED_CLASSES =
            Set.of(COMPUTER, COMPUTER_PARTITION, SOFTWARE_RELEASE, SOFTWARE_INSTANCE);

    private final String className;
    private PyTuple args;
    private final LinkedHashMap<String, Object> state;

    /**
     * @param className one of {@link #COMPUTER}, {@link #COMPUTER_PARTITION}, {@link #SOFTWARE_RELEASE},
     *                  {@link #SOFTWARE_INSTANCE}
     * @param args      constructor arguments, written as the object's {@code <tuple>}
     * @param state     attributes, copied into this object's own mutable map
     * @throws MarshalException for any other class, as slapos' safe (un)marshaller refuses it
     */
    public SlapObject(String className, PyTuple args, Map<String, Object> state) {
        this.className = requireAllowed(MODULE, className, "marshall");
        this.args = Objects.requireNonNull(args, "args");
        this.state = new LinkedHashMap<>(Objects.requireNonNull(state, "state"));
    }

    /** An empty shell that the decoder registers first, so references inside the object resolve to it. */
    SlapObject(String className) {
        this.className = className;
        this.args = PyTuple.of();
        this.state = new LinkedHashMap<>();
    }

    /** {@code Computer(computerId)}: sets {@code _computer_id}. */
    public static SlapObject computer(String computerId) {
        return fromConstructor(COMPUTER, PyTuple.of(computerId));
    }

    /**
     * {@code ComputerPartition(computerId, partitionId)}: arguments {@code (computerId, partitionId, None)},
     * sets {@code _computer_id}, {@code _partition_id} and {@code _request_dict = None}.
     */
    public static SlapObject computerPartition(String computerId, String partitionId) {
        return fromConstructor(COMPUTER_PARTITION, PyTuple.of(computerId, partitionId, null));
    }

    /**
     * {@code SoftwareRelease(url, computerGuid)}: sets {@code _software_instance_list = []},
     * {@code _software_release} and {@code _computer_guid}.
     */
    public static SlapObject softwareRelease(String url, String computerGuid) {
        return fromConstructor(SOFTWARE_RELEASE, PyTuple.of(url, computerGuid));
    }

    /** {@code SoftwareInstance()}: no arguments, no attributes. */
    public static SlapObject softwareInstance() {
        return fromConstructor(SOFTWARE_INSTANCE, PyTuple.of());
    }

    private static SlapObject fromConstructor(String className, PyTuple args) {
        SlapObject object = new SlapObject(className);
        object.initialise(args, constructorState(className, args));
        return object;
    }

    public String module() {
        return MODULE;
    }

    public String className() {
        return className;
    }

    public PyTuple args() {
        return args;
    }

    /** The attributes, live and mutable, in insertion order (the marshaller sorts them when writing). */
    public LinkedHashMap<String, Object> state() {
        return state;
    }

    /** The attribute {@code key}, or {@code null} when absent or None. */
    public Object get(String key) {
        return state.get(key);
    }

    /** Sets the attribute {@code key}; returns this object for chaining. */
    public SlapObject put(String key, Object value) {
        state.put(key, value);
        return this;
    }

    void initialise(PyTuple constructorArgs, Map<String, Object> attributes) {
        this.args = constructorArgs;
        state.clear();
        state.putAll(attributes);
    }

    static boolean isAllowed(String module, String className) {
        return MODULE.equals(module) && ALLOWED_CLASSES.contains(className);
    }

    static String requireAllowed(String module, String className, String verb) {
        if (!isAllowed(module, className)) {
            throw new MarshalException("Refusing to " + verb + " " + module + "." + className);
        }
        return className;
    }

    /**
     * The attributes that the Python constructor sets from {@code args}, checked the way the Python
     * constructor checks them (a wrong argument count is a {@code TypeError} there).
     */
    static LinkedHashMap<String, Object> constructorState(String className, List<Object> args) {
        LinkedHashMap<String, Object> attributes = new LinkedHashMap<>();
        switch (className) {
            case COMPUTER -> {
                requireArgumentCount(className, args, 1, 3);
                attributes.put("_computer_id", args.get(0));
            }
            case COMPUTER_PARTITION -> {
                requireArgumentCount(className, args, 0, 3);
                Object computerId = argument(args, 0);
                Object partitionId = argument(args, 1);
                Object requestDict = argument(args, 2);
                boolean hasIds = computerId != null && partitionId != null;
                boolean hasAnyId = computerId != null || partitionId != null;
                if (requestDict != null ? hasAnyId : !hasIds) {
                    throw new MarshalException("ComputerPartition needs computer_id and partition_id,"
                            + " or request_dict alone, got " + PyRepr.reprForDebugging(args));
                }
                attributes.put("_computer_id", computerId);
                attributes.put("_partition_id", partitionId);
                attributes.put("_request_dict", requestDict);
            }
            case SOFTWARE_RELEASE -> {
                // The third positional argument (requested_state) is accepted and ignored, as in Python.
                requireArgumentCount(className, args, 0, 3);
                attributes.put("_software_instance_list", new ArrayList<>());
                attributes.put("_software_release", argument(args, 0));
                attributes.put("_computer_guid", argument(args, 1));
            }
            case SOFTWARE_INSTANCE -> requireArgumentCount(className, args, 0, 0);
            default -> throw new MarshalException("Refusing to unmarshall " + MODULE + "." + className);
        }
        return attributes;
    }

    private static void requireArgumentCount(String className, List<Object> args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            String expected = min == max ? String.valueOf(min) : min + " to " + max;
            throw new MarshalException(className + " takes " + expected + " constructor arguments, got "
                    + args.size());
        }
    }

    private static Object argument(List<Object> args, int index) {
        return index < args.size() ? args.get(index) : null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SlapObject that
                && className.equals(that.className)
                && args.equals(that.args)
                && state.equals(that.state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(className, args, state);
    }

    @Override
    public String toString() {
        return "<" + MODULE + "." + className + " args=" + PyRepr.reprForDebugging(args)
                + " state=" + PyRepr.reprForDebugging(state) + ">";
    }
}
