package org.slapos.master.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A table of a store, as a human reads it ({@code slapos proxy show}).
 *
 * @param name the table's name in the store (e.g. {@code partition17})
 * @param columns the column names
 * @param skippedColumns columns left out on purpose (long XML values)
 * @param rows the rows; values are String, Long, Double or null
 */
public record StoreTable(String name, List<String> columns, List<String> skippedColumns, List<List<Object>> rows) {
  public StoreTable {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    skippedColumns = List.copyOf(skippedColumns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
  }
}
