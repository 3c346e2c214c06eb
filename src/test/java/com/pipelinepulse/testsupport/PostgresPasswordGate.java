package com.pipelinepulse.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback stand-in for the authentication step of a PostgreSQL server, in front of the real one.
 *
 * <p>The test PostgreSQL trusts loopback connections (any password is accepted), so it cannot reject a
 * credential itself. This gate speaks the PostgreSQL wire protocol for the start-up: it declines TLS, asks
 * the client for a cleartext password (AuthenticationCleartextPassword), and checks it with the given rule.
 * A rejected password gets the server's own answer ({@code FATAL 28P01 password authentication failed});
 * an accepted one is followed by the client's original start-up message being relayed to the real
 * PostgreSQL, which answers AuthenticationOk and serves every query from then on.
 *
 * <p>{@link #withTls} makes it answer TLS like a production server (RDS): with a certificate for 127.0.0.1 made for
 * this gate, written to {@link #rootCertificate()} for the driver's {@code sslrootcert}, so that a JDBC URL with
 * {@code sslmode=verify-full} verifies it. The relay to the real PostgreSQL stays on loopback in the clear.
 */
public final class PostgresPasswordGate implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    private final ServerSocket server;
    private final SSLContext tls;
    private final Path rootCertificate;
    private final String targetHost;
    private final int targetPort;
    private final BiPredicate<String, String> accepts;
    private final List<String> passwordsSeen = new CopyOnWriteArrayList<>();
    private final List<Boolean> outcomes = new CopyOnWriteArrayList<>();
    private final List<Boolean> encrypted = new CopyOnWriteArrayList<>();

    /** @param accepts (user, password) -> whether to let the connection through */
    public PostgresPasswordGate(String targetHost, int targetPort, BiPredicate<String, String> accepts)
            throws IOException {
        this(targetHost, targetPort, accepts, null, null);
    }

    /** A gate that speaks TLS with a certificate of its own for 127.0.0.1 (see {@link #rootCertificate()}). */
    public static PostgresPasswordGate withTls(String targetHost, int targetPort, BiPredicate<String, String> accepts)
            throws IOException {
        TlsIdentity identity = tlsIdentity();
        return new PostgresPasswordGate(targetHost, targetPort, accepts, identity.context(), identity.certificate());
    }

    /** The gates' key and certificate: made once per test run (two keytool runs, each a JVM start, cost seconds). */
    private record TlsIdentity(SSLContext context, Path certificate) {
    }

    private static TlsIdentity sharedIdentity;

    private static synchronized TlsIdentity tlsIdentity() throws IOException {
        if (sharedIdentity != null) {
            return sharedIdentity;
        }
        Path directory = Files.createTempDirectory("pg-gate-tls");
        String storePassword = TestKeys.password();
        Path keyStore = directory.resolve("gate.p12");
        Path certificate = directory.resolve("root.crt");
        // Gone when the JVM ends (deleteOnExit deletes in reverse order: the files, then their directory).
        for (Path path : List.of(directory, keyStore, certificate)) {
            path.toFile().deleteOnExit();
        }
        keytool("-genkeypair", "-alias", "gate", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", keyStore.toString(), "-storetype",
                "PKCS12", "-storepass", storePassword, "-keypass", storePassword);
        keytool("-exportcert", "-rfc", "-alias", "gate", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", storePassword, "-file", certificate.toString());
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, storePassword.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, storePassword.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            sharedIdentity = new TlsIdentity(context, certificate);
            return sharedIdentity;
        } catch (GeneralSecurityException e) {
            throw new IOException("could not load the gate's certificate", e);
        }
    }

    private PostgresPasswordGate(String targetHost, int targetPort, BiPredicate<String, String> accepts,
            SSLContext tls, Path rootCertificate) throws IOException {
        this.tls = tls;
        this.rootCertificate = rootCertificate;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.accepts = accepts;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "pg-password-gate");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Whether each presented password came over TLS, in order. */
    public List<Boolean> encrypted() {
        return List.copyOf(encrypted);
    }

    /** The PEM certificate a client must trust ({@code sslrootcert}); only for a gate {@link #withTls}. */
    public Path rootCertificate() {
        return rootCertificate;
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    /** Every password presented, in order (to check that none of them was ever logged). */
    public List<String> passwordsSeen() {
        return List.copyOf(passwordsSeen);
    }

    /** Whether each presented password was accepted, in order. */
    public List<Boolean> outcomes() {
        return List.copyOf(outcomes);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> handle(client), "pg-password-gate-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // Closed.
            }
        }
    }

    private void handle(Socket accepted) {
        Socket client = accepted;
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            byte[] startup;
            while (true) {
                int length = in.readInt();
                byte[] body = new byte[length - 4];
                in.readFully(body);
                int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
                if (code == SSL_REQUEST && tls != null && !(client instanceof SSLSocket)) {
                    out.writeByte('S');
                    out.flush();
                    SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(client,
                            client.getInetAddress().getHostAddress(), client.getPort(), true);
                    secured.setUseClientMode(false);
                    secured.startHandshake();
                    client = secured;
                    in = new DataInputStream(client.getInputStream());
                    out = new DataOutputStream(client.getOutputStream());
                    continue;
                }
                if (code == SSL_REQUEST || code == GSS_REQUEST) {
                    out.writeByte('N');
                    out.flush();
                    continue;
                }
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                new DataOutputStream(raw).writeInt(length);
                raw.write(body);
                startup = raw.toByteArray();
                break;
            }
            String user = parameter(startup, "user");
            out.writeByte('R');
            out.writeInt(8);
            out.writeInt(3); // AuthenticationCleartextPassword
            out.flush();
            if (in.readByte() != 'p') {
                client.close();
                return;
            }
            byte[] message = new byte[in.readInt() - 4];
            in.readFully(message);
            String password = new String(message, 0, message.length - 1, StandardCharsets.UTF_8);
            passwordsSeen.add(password);
            encrypted.add(client instanceof SSLSocket);
            boolean ok = accepts.test(user, password);
            outcomes.add(ok);
            if (!ok) {
                reject(out, user);
                client.close();
                return;
            }
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
            upstream.getOutputStream().write(startup);
            upstream.getOutputStream().flush();
            SocketPump.pipe(client, upstream, "pg-password-gate-pipe", () -> { });
            SocketPump.pipe(upstream, client, "pg-password-gate-pipe", () -> { });
        } catch (IOException e) {
            SocketPump.closeQuietly(client);
        }
    }

    private static void reject(DataOutputStream out, String user) throws IOException {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        field(fields, 'S', "FATAL");
        field(fields, 'V', "FATAL");
        field(fields, 'C', "28P01");
        field(fields, 'M', "password authentication failed for user \"" + user + "\"");
        fields.write(0);
        byte[] body = fields.toByteArray();
        out.writeByte('E');
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    private static void field(ByteArrayOutputStream out, char type, String value) {
        out.write(type);
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static String parameter(byte[] startup, String name) {
        // length(4) + protocol(4), then name\0value\0 pairs, then \0
        String[] parts = new String(startup, 8, startup.length - 8, StandardCharsets.UTF_8).split("\0");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            if (parts[i].equals(name)) {
                return parts[i + 1];
            }
        }
        return "";
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
