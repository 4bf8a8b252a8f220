package org.slapos.slap.client.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.marshal.PyTuple;
import org.slapos.slap.marshal.SlapObject;

/**
 * What every object of one {@code Slap} shares (Python passes {@code _connection_helper} and
 * {@code _hateoas_navigator} to each object): the master connection, the optional HATEOAS navigator
 * and the transaction-file helper. Also turns decoded wire objects into live client objects.
 */
final class Session {

  static final String HATEOAS_REQUIRED = "SlapOS Master Hateoas API required for this operation is not available.";

  final MasterConnection connection;
  final HateoasNavigator navigator;
  final TransactionFiles transactions;

  Session(MasterConnection connection, HateoasNavigator navigator, TransactionFiles transactions) {
    this.connection = connection;
    this.navigator = navigator;
    this.transactions = transactions;
  }

  HateoasNavigator requireNavigator() throws SlapException {
    if (navigator == null) {
      throw new SlapException(HATEOAS_REQUIRED);
    }
    return navigator;
  }

  /** getFullComputerInformation, falling back to getComputerInformation on 404 for old masters. */
  ComputerImpl fetchComputer(String computerId) throws SlapException {
    Form params = Form.of("computer_id", computerId);
    if (computerId == null || computerId.isEmpty()) {
      throw new NotFoundError("'getFullComputerInformation' " + Wire.repr(params.asMap()));
    }
    String xml;
    try {
      xml = connection.get("getFullComputerInformation", params);
    } catch (NotFoundError e) {
      xml = connection.get("getComputerInformation", params);
    }
    Object loaded = adopt(Wire.loads(xml, "getFullComputerInformation"));
    if (!(loaded instanceof ComputerImpl computer)) {
      throw new SlapException("Malformed answer to getFullComputerInformation: expected a Computer, got "
          + describe(loaded));
    }
    return computer;
  }

  /**
   * Rebuilds client objects from decoded marshal values: each SlapObject becomes the matching client
   * object with all its attributes, containers are copied, shared instances stay shared.
   */
  Object adopt(Object value) {
    return adopt(value, new IdentityHashMap<>());
  }

  /** The state of a decoded object, with nested objects adopted: what Python copies with {@code __dict__.update}. */
  Map<String, Object> adoptState(SlapObject object) {
    IdentityHashMap<Object, Object> seen = new IdentityHashMap<>();
    Map<String, Object> state = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : object.state().entrySet()) {
      state.put(e.getKey(), adopt(e.getValue(), seen));
    }
    return state;
  }

  private Object adopt(Object value, IdentityHashMap<Object, Object> seen) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    Object known = seen.get(value);
    if (known != null) {
      return known;
    }
    if (value instanceof SlapObject object) {
      Document document = newDocument(object);
      seen.put(value, document);
      for (Map.Entry<String, Object> e : object.state().entrySet()) {
        document.set(e.getKey(), adopt(e.getValue(), seen));
      }
      return document;
    }
    if (value instanceof PyTuple tuple) {
      List<Object> items = new ArrayList<>(tuple.size());
      for (Object item : tuple) {
        items.add(adopt(item, seen));
      }
      PyTuple copy = PyTuple.copyOf(items);
      seen.put(value, copy);
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      seen.put(value, copy);
      for (Object item : list) {
        copy.add(adopt(item, seen));
      }
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      seen.put(value, copy);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(adopt(e.getKey(), seen), adopt(e.getValue(), seen));
      }
      return copy;
    }
    if (value instanceof Set<?> set) {
      Set<Object> copy = new LinkedHashSet<>();
      seen.put(value, copy);
      for (Object item : set) {
        copy.add(adopt(item, seen));
      }
      return copy;
    }
    return value;
  }

  /** Python rebuilds an object as {@code C(*args)}; the constructor's side effects (transaction file) included. */
  private Document newDocument(SlapObject object) {
    List<Object> args = object.args();
    switch (object.className()) {
      case SlapObject.COMPUTER:
        return new ComputerImpl(this, string(args, 0));
      case SlapObject.COMPUTER_PARTITION:
        return new ComputerPartitionImpl(this, string(args, 0), string(args, 1), null);
      case SlapObject.SOFTWARE_RELEASE:
        return new SoftwareReleaseImpl(this, string(args, 0), string(args, 1));
      default:
        return new SoftwareInstanceDocument();
    }
  }

  private static String string(List<Object> args, int index) {
    Object value = index < args.size() ? args.get(index) : null;
    return value == null ? null : value.toString();
  }

  static String describe(Object value) {
    return value == null ? "None" : value.getClass().getSimpleName();
  }

  /** A decoded SoftwareInstance (or any other plain attribute holder). */
  static final class SoftwareInstanceDocument extends Document {
    @Override
    public String toString() {
      return "SoftwareInstance" + getAttributes();
    }
  }
}
