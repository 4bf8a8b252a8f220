package org.slapos.shell.ssh;

import java.io.IOException;
import java.util.Map;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A session channel that remembers whether the client asked for a terminal ("pty-req"): only
 * then does the shell echo and edit lines. (The environment alone cannot tell: pty modes may be
 * empty and any client may send TERM.)
 */
final class TerminalChannelSession extends ChannelSession {
  private static final AttributeKey<Boolean> TERMINAL = new AttributeKey<>();

  /** The only channel type the server opens: no direct-tcpip, no forwarded channels. */
  static final ChannelFactory FACTORY = new ChannelFactory() {
    @Override
    public String getName() {
      return "session";
    }

    @Override
    public Channel createChannel(Session session) {
      return new TerminalChannelSession();
    }
  };

  static boolean hasTerminal(ChannelSession channel) {
    return Boolean.TRUE.equals(channel.getAttribute(TERMINAL));
  }

  @Override
  protected RequestHandler.Result handlePtyReqParsed(String term, int columns, int rows, int width, int height,
      Map<PtyMode, Integer> modes) throws IOException {
    setAttribute(TERMINAL, Boolean.TRUE);
    return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
  }
}
