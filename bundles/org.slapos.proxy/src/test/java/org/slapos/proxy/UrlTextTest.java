package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Form decoding as werkzeug does it. */
class UrlTextTest {

  @Test
  void decodesFormsAsWerkzeug() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("a b", "<marshal>\u00e9\u20ac\ud83d\ude00</marshal>");
    expected.put("plain", "x=y");
    expected.put("empty", "");
    assertEquals(expected, UrlText.parseForm(
        "a+b=%3Cmarshal%3E%C3%A9\u20ac%F0%9F%98%80%3c/marshal%3E&plain=x=y&&empty&plain=second"));
  }

  @Test
  void keepsWhatIsNotAnEscapeAndReplacesInvalidUtf8() {
    assertEquals("100% a+b", UrlText.decode("100% a+b", false));
    assertEquals("%zz \ufffd.", UrlText.decode("%zz+%C3.", true));
    assertEquals("\u00e9t\u00e9", UrlText.decode("\u00e9t%C3%A9", true));
  }
}
