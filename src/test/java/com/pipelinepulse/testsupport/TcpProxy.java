package com.pipelinepulse.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay between the service and a real server, which a test can cut and restore to make
 * that server unreachable without stopping it (for example PostgreSQL, for the readiness test).
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean connected = true;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every relayed connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        connected = false;
        open.forEach(SocketPump::closeQuietly);
        open.clear();
    }

    public void restore() {
        connected = true;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!connected) {
                    SocketPump.closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
                open.add(client);
                open.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                // Server closed, or one connection failed: keep serving the others.
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        SocketPump.pipe(from, to, "tcp-proxy-pipe", () -> {
            open.remove(from);
            open.remove(to);
        });
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
