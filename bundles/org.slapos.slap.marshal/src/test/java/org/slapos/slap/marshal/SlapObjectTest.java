package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlapObjectTest {

    @Test
    void factoriesSetWhatThePythonConstructorsSet() {
        SlapObject computer = SlapObject.computer("c");
        assertEquals(PyTuple.of("c"), computer.args());
        assertEquals(Map.of("_computer_id", "c"), computer.state());

        SlapObject partition = SlapObject.computerPartition("c", "p");
        assertEquals(PyTuple.of("c", "p", null), partition.args());
        assertEquals(List.of("_computer_id", "_partition_id", "_request_dict"), List.copyOf(partition.state().keySet()));
        assertNull(partition.get("_request_dict"));

        SlapObject release = SlapObject.softwareRelease("u", "c");
        assertEquals(PyTuple.of("u", "c"), release.args());
        assertEquals("u", release.get("_software_release"));
        assertEquals("c", release.get("_computer_guid"));
        assertEquals(List.of(), release.get("_software_instance_list"));

        SlapObject instance = SlapObject.softwareInstance();
        assertEquals(PyTuple.of(), instance.args());
        assertTrue(instance.state().isEmpty());
        assertEquals(SlapObject.SOFTWARE_INSTANCE, instance.className());
        assertEquals("slapos.slap.slap", instance.module());
    }

    @Test
    void keepsAMutableStateAndComparesByValue() {
        SlapObject computer = SlapObject.computer("c");
        assertSame(computer, computer.put("_extra", 1L));
        computer.state().put("_other", "x");
        assertEquals(1L, computer.get("_extra"));
        assertEquals(SlapObject.computer("c").put("_extra", 1L).put("_other", "x"), computer);
        assertEquals(SlapObject.computer("c").hashCode(), SlapObject.computer("c").hashCode());
        assertNotEquals(SlapObject.computer("c"), SlapObject.computer("d"));
        assertTrue(computer.toString().startsWith("<slapos.slap.slap.Computer args=('c',)"), computer.toString());
    }

    @Test
    void copiesTheStateGivenToItsConstructor() {
        Map<String, Object> state = new java.util.HashMap<>(Map.of("_computer_id", "c"));
        SlapObject computer = new SlapObject(SlapObject.COMPUTER, PyTuple.of("c"), state);
        state.put("_later", 1L);
        assertNull(computer.get("_later"));
    }

    @Test
    void tuplesAreImmutableListsWithPythonRepr() {
        List<Object> source = new ArrayList<>(Arrays.asList("a", null));
        PyTuple tuple = PyTuple.copyOf(source);
        source.add("b");
        assertEquals(2, tuple.size());
        assertEquals(Arrays.asList("a", null), tuple);
        assertEquals(Arrays.asList("a", null).hashCode(), tuple.hashCode());
        assertEquals(PyTuple.of("a", null), tuple);
        assertSame(tuple, PyTuple.copyOf(tuple));
        assertThrows(UnsupportedOperationException.class, () -> tuple.add("c"));
        assertThrows(UnsupportedOperationException.class, () -> tuple.set(0, "c"));
        assertEquals("('a', None)", tuple.toString());
        assertEquals("(1,)", PyTuple.of(1L).toString());
        Object[] items = {"x"};
        PyTuple fromArray = PyTuple.of(items);
        items[0] = "y";
        assertEquals("x", fromArray.get(0));
    }
}
