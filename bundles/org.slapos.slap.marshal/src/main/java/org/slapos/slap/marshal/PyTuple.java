package org.slapos.slap.marshal;

import java.util.AbstractList;
import java.util.Collection;
import java.util.RandomAccess;

/**
 * An immutable Python tuple. It is a {@link java.util.List} so that callers can read it like one, but
 * the marshaller writes it as {@code <tuple>} (no id, never referenced) instead of {@code <list>}.
 * Items may be {@code null} (Python {@code None}). Equality and hash code follow {@link java.util.List}.
 */
public final class PyTuple extends AbstractList<Object> implements RandomAccess {

    private static final PyTuple EMPTY = new PyTuple(new Object[0]);

    private final Object[] items;

    private PyTuple(Object[] items) {
        this.items = items;
    }

    /** A tuple of the given items, in order; {@code null} items are allowed. */
    public static PyTuple of(Object... items) {
        return items.length == 0 ? EMPTY : new PyTuple(items.clone());
    }

    /** A tuple holding the collection's items in iteration order. */
    public static PyTuple copyOf(Collection<?> items) {
        if (items instanceof PyTuple tuple) {
            return tuple;
        }
        Object[] copy = items.toArray();
        return copy.length == 0 ? EMPTY : new PyTuple(copy);
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    /** Python's repr, e.g. {@code ('a', 1)} or {@code (1,)}. */
    @Override
    public String toString() {
        return PyRepr.reprForDebugging(this);
    }
}
