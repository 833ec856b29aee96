package io.rela.testinfra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A loopback TCP port whose connections are carried to a Unix socket: how clients on this
 * machine (the test's client, kubectl, helm) reach an API server that listens only inside
 * the node's network namespace. It lives in the test's JVM, so it dies with it.
 */
final class UnixSocketBridge implements AutoCloseable {

  private final ServerSocket server;
  private final Path socket;

  private UnixSocketBridge(ServerSocket server, Path socket) {
    this.server = server;
    this.socket = socket;
  }

  static UnixSocketBridge start(Path socket) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    UnixSocketBridge b = new UnixSocketBridge(server, socket);
    Thread accept = new Thread(b::acceptLoop, "unix-bridge-accept");
    accept.setDaemon(true);
    accept.start();
    return b;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket tcp = server.accept();
        SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          unix.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
          tcp.close();
          unix.close();
          continue;
        }
        InputStream fromTcp = tcp.getInputStream();
        OutputStream toTcp = tcp.getOutputStream();
        // the channel itself, not Channels' streams: those share one lock, and a blocked read
        // would hold up every write
        pump(() -> {
          byte[] buf = new byte[64 * 1024];
          for (int n; (n = fromTcp.read(buf)) >= 0; ) {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
              unix.write(b);
            }
          }
        }, tcp, unix);
        pump(() -> {
          ByteBuffer b = ByteBuffer.allocate(64 * 1024);
          while (unix.read(b) >= 0) {
            toTcp.write(b.array(), 0, b.position());
            toTcp.flush();
            b.clear();
          }
        }, tcp, unix);
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  /** One direction of a connection. */
  private interface Copy {
    void run() throws IOException;
  }

  /** Copies one direction until either side ends, then closes both. */
  private static void pump(Copy copy, Socket tcp, SocketChannel unix) {
    Thread t = new Thread(() -> {
      try {
        copy.run();
      } catch (IOException ended) {
        // the other side closed
      } finally {
        try {
          tcp.close();
        } catch (IOException ignored) {
          // closing
        }
        try {
          unix.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }, "unix-bridge-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
