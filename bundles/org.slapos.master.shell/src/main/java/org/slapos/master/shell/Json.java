package org.slapos.master.shell;

import java.util.List;

/** The JSON text of a multimaster entry (see ProxyConfiguration.MULTIMASTER). */
final class Json {
  private Json() {
  }

  static String object(String url, String key, String cert, List<String> softwareReleaseList, String computer,
      String partition) {
    StringBuilder out = new StringBuilder("{\"url\": ").append(string(url));
    if (key != null) {
      out.append(", \"key\": ").append(string(key));
    }
    if (cert != null) {
      out.append(", \"cert\": ").append(string(cert));
    }
    out.append(", \"software_release_list\": [");
    for (int i = 0; i < softwareReleaseList.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(string(softwareReleaseList.get(i)));
    }
    out.append("]");
    if (computer != null) {
      out.append(", \"computer\": ").append(string(computer));
    }
    if (partition != null) {
      out.append(", \"partition\": ").append(string(partition));
    }
    return out.append("}").toString();
  }

  static String string(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
