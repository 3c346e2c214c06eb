package com.pipelinepulse.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Relays bytes one way between two sockets on a daemon thread, for the loopback relays of the tests
 * ({@link TcpProxy}, {@link PostgresPasswordGate}). When either side goes away both sockets are closed.
 */
final class SocketPump {

    private SocketPump() {
    }

    /**
     * Copies everything {@code from} sends to {@code to} until either side closes; then closes both sockets
     * and runs {@code onClose}.
     */
    static void pipe(Socket from, Socket to, String threadName, Runnable onClose) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side went away.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                onClose.run();
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to do.
        }
    }
}
