package org.slapos.supervisor.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * supervisord's XML-RPC interface ({@code supervisor.*}) over its unix socket: one HTTP/1.0
 * {@code POST /RPC2} per call on a fresh connection, which supervisord closes after its answer. Every
 * call is bounded by the timeout (connect, write and read together).
 */
final class SupervisorRpc {
  /** supervisord's fault codes (supervisor.xmlrpc.Faults). */
  static final int BAD_NAME = 10;
  static final int SHUTDOWN_STATE = 6;
  static final int NOT_RUNNING = 70;
  static final int ALREADY_STARTED = 60;
  static final int FAILED = 30;
  /** Bounds an answer: getAllProcessInfo of thousands of processes stays far below. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private final Path socket;
  private final Duration timeout;

  SupervisorRpc(Path socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  Path socket() {
    return socket;
  }

  /** {@code getState}: {@code {statecode, statename}}. */
  Map<String, Object> getState() throws IOException, XmlRpc.Fault {
    return struct(call("supervisor.getState"));
  }

  /** {@code reloadConfig}: the names of the added, changed and removed groups. */
  List<List<String>> reloadConfig() throws IOException, XmlRpc.Fault {
    Object answer = call("supervisor.reloadConfig");
    // [[added, changed, removed]]
    if (answer instanceof List<?> outer && outer.size() == 1 && outer.get(0) instanceof List<?> inner && inner.size() == 3) {
      List<List<String>> groups = new ArrayList<>();
      for (Object names : inner) {
        groups.add(strings(names));
      }
      return groups;
    }
    throw new IOException("Unexpected reloadConfig answer from " + socket + ": " + answer);
  }

  void addProcessGroup(String name) throws IOException, XmlRpc.Fault {
    call("supervisor.addProcessGroup", name);
  }

  void removeProcessGroup(String name) throws IOException, XmlRpc.Fault {
    call("supervisor.removeProcessGroup", name);
  }

  /** Starts a group without waiting for its processes to be up. */
  void startProcessGroup(String name, boolean wait) throws IOException, XmlRpc.Fault {
    call("supervisor.startProcessGroup", name, wait);
  }

  /** Stops a group (waits for its processes); returns one {@code {name, group, status, description}} per process. */
  List<Map<String, Object>> stopProcessGroup(String name) throws IOException, XmlRpc.Fault {
    return structs(call("supervisor.stopProcessGroup", name, true));
  }

  void startAllProcesses(boolean wait) throws IOException, XmlRpc.Fault {
    call("supervisor.startAllProcesses", wait);
  }

  void stopAllProcesses() throws IOException, XmlRpc.Fault {
    call("supervisor.stopAllProcesses", true);
  }

  void startProcess(String name, boolean wait) throws IOException, XmlRpc.Fault {
    call("supervisor.startProcess", name, wait);
  }

  void stopProcess(String name) throws IOException, XmlRpc.Fault {
    call("supervisor.stopProcess", name, true);
  }

  void shutdown() throws IOException, XmlRpc.Fault {
    call("supervisor.shutdown");
  }

  Map<String, Object> getProcessInfo(String name) throws IOException, XmlRpc.Fault {
    return struct(call("supervisor.getProcessInfo", name));
  }

  List<Map<String, Object>> getAllProcessInfo() throws IOException, XmlRpc.Fault {
    return structs(call("supervisor.getAllProcessInfo"));
  }

  /** {@code readProcessStdoutLog(name, offset, length)}: bytes of the log, from its start or (negative offset) its end. */
  String readProcessStdoutLog(String name, int offset, int length) throws IOException, XmlRpc.Fault {
    return String.valueOf(call("supervisor.readProcessStdoutLog", name, offset, length));
  }

  /**
   * {@code tailProcessStdoutLog(name, offset, length)}: {@code [text, new offset, overflow]}, the last
   * {@code length} bytes when {@code offset} is behind.
   */
  List<Object> tailProcessStdoutLog(String name, int offset, int length) throws IOException, XmlRpc.Fault {
    Object answer = call("supervisor.tailProcessStdoutLog", name, offset, length);
    if (answer instanceof List<?> list && list.size() == 3) {
      return new ArrayList<>(list);
    }
    throw new IOException("Unexpected tailProcessStdoutLog answer from " + socket + ": " + answer);
  }

  /** One call; transport problems are {@link IOException}s naming the socket. */
  Object call(String method, Object... parameters) throws IOException, XmlRpc.Fault {
    byte[] body = XmlRpc.call(method, parameters);
    byte[] head = ("POST /RPC2 HTTP/1.0\r\nHost: localhost\r\nUser-Agent: slapos-node\r\nContent-Type: text/xml\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] answer = exchange(head, body);
    byte[] content = httpBody(method, answer);
    try {
      return XmlRpc.response(content);
    } catch (XmlRpc.MalformedResponse e) {
      throw new IOException(method + " on " + socket + ": " + e.getMessage(), e);
    }
  }

  private byte[] exchange(byte[] head, byte[] body) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      // A unix socket connects at once or fails (no one listening): no need to wait for it.
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.configureBlocking(false);
      ByteBuffer request = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
      SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
      while (request.hasRemaining()) {
        await(selector, deadline, "writing to");
        channel.write(request);
      }
      key.interestOps(SelectionKey.OP_READ);
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (true) {
        await(selector, deadline, "waiting for an answer from");
        int read = channel.read(buffer);
        if (read < 0) {
          return response.toByteArray();
        }
        response.write(buffer.array(), 0, buffer.position());
        buffer.clear();
        if (response.size() > MAX_RESPONSE_BYTES) {
          throw new IOException("supervisord answered more than " + MAX_RESPONSE_BYTES + " bytes on " + socket);
        }
      }
    }
  }

  private void await(Selector selector, long deadline, String doing) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && System.nanoTime() >= deadline) {
      throw new IOException("Timed out after " + timeout.toMillis() + " ms " + doing + " supervisord on " + socket);
    }
    selector.selectedKeys().clear();
  }

  private byte[] httpBody(String method, byte[] answer) throws IOException {
    int end = -1;
    for (int i = 0; i + 3 < answer.length; i++) {
      if (answer[i] == '\r' && answer[i + 1] == '\n' && answer[i + 2] == '\r' && answer[i + 3] == '\n') {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new IOException(method + " on " + socket + ": incomplete HTTP answer (" + answer.length + " bytes)");
    }
    String head = new String(answer, 0, end, StandardCharsets.ISO_8859_1);
    String status = head.lines().findFirst().orElse("");
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].equals("200")) {
      throw new IOException(method + " on " + socket + ": HTTP answer " + status.strip());
    }
    byte[] body = new byte[answer.length - end - 4];
    System.arraycopy(answer, end + 4, body, 0, body.length);
    return body;
  }

  private static Map<String, Object> struct(Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> members = (Map<String, Object>) map;
      return members;
    }
    throw new IOException("Expected an XML-RPC struct, got " + value);
  }

  private static List<Map<String, Object>> structs(Object value) throws IOException {
    if (!(value instanceof List<?> list)) {
      throw new IOException("Expected an XML-RPC array, got " + value);
    }
    List<Map<String, Object>> items = new ArrayList<>();
    for (Object item : list) {
      items.add(struct(item));
    }
    return items;
  }

  private static List<String> strings(Object value) throws IOException {
    if (!(value instanceof List<?> list)) {
      throw new IOException("Expected an XML-RPC array of names, got " + value);
    }
    List<String> names = new ArrayList<>();
    for (Object item : list) {
      names.add(String.valueOf(item));
    }
    return names;
  }
}
