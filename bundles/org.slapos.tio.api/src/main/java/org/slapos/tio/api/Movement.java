package org.slapos.tio.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One TIO movement: a quantity of a resource. Its child elements are kept in document order, as the
 * original copies them into the journal ({@code resource}, {@code title}, {@code reference},
 * {@code quantity}, {@code price}, {@code VAT}, {@code category}...).
 *
 * @param elements element name and text, in order; an empty element has the text {@code None}
 */
public record Movement(List<Map.Entry<String, String>> elements) {

  public Movement {
    elements = List.copyOf(Objects.requireNonNull(elements, "elements"));
  }

  /**
   * A movement with the schema's elements in the schema's order.
   *
   * @param category may be null (no category element)
   */
  public static Movement of(String resource, String title, String reference, String quantity, String price,
      String vat, String category) {
    List<Map.Entry<String, String>> elements = new java.util.ArrayList<>(List.of(Map.entry("resource", resource),
        Map.entry("title", title), Map.entry("reference", reference), Map.entry("quantity", quantity),
        Map.entry("price", price), Map.entry("VAT", vat)));
    if (category != null) {
      elements.add(Map.entry("category", category));
    }
    return new Movement(elements);
  }
}
