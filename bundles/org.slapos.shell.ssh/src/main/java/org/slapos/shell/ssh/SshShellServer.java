package org.slapos.shell.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH server behind the remote shell, free of OSGi: MINA SSHD set up for public-key
 * authentication only, session channels only (no forwarding of any kind, no subsystems, so no
 * SFTP or SCP), Gogo for "exec" and "shell" requests. It owns the executor the commands run on.
 */
final class SshShellServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshShellServer.class);
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private final SshShellSettings settings;
  private final SshServer server;
  private final ExecutorService executor;
  private final PeerPolicy peers;
  /** Logged at start so that operators can check it against what their client shows. */
  private final String hostKeyFingerprint;
  private volatile InetSocketAddress address;

  SshShellServer(SshShellSettings settings, CommandProcessor processor) throws IOException, GeneralSecurityException {
    this.settings = settings;
    List<InetAddress> bindAddresses = List.of(InetAddress.getAllByName(settings.host()));
    this.peers = PeerPolicy.forBindAddresses(bindAddresses);
    AuthorizedKeys authorizedKeys = new AuthorizedKeys(settings.authorizedKeys());
    KeyPair hostKey = HostKeys.loadOrCreate(settings.hostKey());
    this.hostKeyFingerprint = KeyUtils.getFingerPrint(hostKey.getPublic());
    if (authorizedKeys.read().isEmpty()) {
      LOG.warn("{} authorizes no key: nobody can log in to the remote shell until one is added",
          settings.authorizedKeys());
    }
    this.executor = Executors.newCachedThreadPool(new NamedThreads());

    server = SshServer.setUpDefaultServer();
    server.setHost(bindAddresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(",")));
    server.setPort(settings.port());
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    server.setPublickeyAuthenticator(authorizedKeys);
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setGSSAuthenticator(null);
    server.setHostBasedAuthenticator(null);
    server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    server.setAgentFactory(null);
    server.setChannelFactories(List.of(TerminalChannelSession.FACTORY));
    server.setSubsystemFactories(List.of());
    server.setCommandFactory((channel, commandLine) -> GogoChannelCommand.exec(processor, executor, commandLine));
    server.setShellFactory(channel -> GogoChannelCommand.shell(processor, executor));
    server.setSessionFactory(new PeerCheckingSessionFactory(server, peers));
  }

  /** Starts listening; {@link #address()} then tells the bound port. */
  void start() throws IOException {
    server.start();
    address = server.getBoundAddresses().stream().filter(InetSocketAddress.class::isInstance)
        .map(InetSocketAddress.class::cast).findFirst()
        .orElseThrow(() -> new IOException("the remote shell is bound to no address"));
    LOG.info("Remote shell listening on {} port {}{}, host key {}", settings.host(), address.getPort(),
        peers.loopbackOnly() ? " (loopback peers only)" : "", hostKeyFingerprint);
  }

  InetSocketAddress address() {
    return address;
  }

  /** Stops listening, closes every session and stops the commands still running. */
  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      LOG.warn("Stopping the remote shell: {}", e.toString());
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("Some remote shell commands did not stop within {} s", STOP_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Refuses a connection from a peer the {@link PeerPolicy} rejects before the SSH session
   * exists: nothing is sent to it, and MINA closes the socket.
   */
  private static final class PeerCheckingSessionFactory extends SessionFactory {
    private final PeerPolicy peers;

    PeerCheckingSessionFactory(SshServer server, PeerPolicy peers) {
      super(server);
      this.peers = peers;
    }

    @Override
    protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
      SocketAddress peer = ioSession.getRemoteAddress();
      if (!peers.allows(peer)) {
        LOG.warn("Refused a remote shell connection from {}: the shell listens on loopback only", peer);
        throw new IOException("remote shell connection refused from " + peer);
      }
      return super.doCreateSession(ioSession);
    }
  }

  private static final class NamedThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "slapos-ssh-shell-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
