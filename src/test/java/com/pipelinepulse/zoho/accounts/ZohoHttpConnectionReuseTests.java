package com.pipelinepulse.zoho.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Zoho calls reuse their TLS connections: a reader that stops at the end of the JSON it wanted (as Jackson does, and
 * with it the OAuth2 library's token response converter), or reads nothing, must not cost the next call a new
 * connection and handshake. Which connection served a call is read from the client's port, on a plain HTTP/1.1 server.
 * Before the response drained what was left on close, the JDK client closed the connection whenever the answer was
 * closed before its end had arrived: 2 to 6 of these 20 repetitions failed, depending on timing.
 */
class ZohoHttpConnectionReuseTests {

    private static final byte[] ANSWER = "{\"access_token\":\"placeholder\",\"expires_in\":3600}"
            .getBytes(StandardCharsets.US_ASCII);

    private final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/oauth/v2/token", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ANSWER.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(ANSWER);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @RepeatedTest(10)
    void anAnswerReadUpToItsLastByteButNotToItsEndLeavesTheConnectionForTheNextCall() throws Throwable {
        // Every byte of the JSON, and no read that would have seen the end of the stream.
        call(3, response -> assertThat(response.getBody().readNBytes(ANSWER.length)).isEqualTo(ANSWER));
        assertThat(clientPorts).hasSize(3);
        assertThat(clientPorts).as("one connection for all three calls").containsOnly(clientPorts.get(0));
    }

    @RepeatedTest(10)
    void anAnswerLeftUnreadLeavesTheConnectionToo() throws Throwable {
        call(2, response -> assertThat(response.getStatusCode().value()).isEqualTo(200));
        assertThat(clientPorts).hasSize(2);
        assertThat(clientPorts).as("one connection for both calls").containsOnly(clientPorts.get(0));
    }

    /** {@code times} calls in a row through the Zoho transport, each answer read by {@code reader} and closed. */
    private void call(int times, ThrowingConsumer<ClientHttpResponse> reader) throws Throwable {
        ClientHttpRequestFactory factory = ZohoHttp.requestFactory(Duration.ofSeconds(5), Duration.ofSeconds(5));
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/v2/token");
        for (int call = 0; call < times; call++) {
            try (ClientHttpResponse response = factory.createRequest(uri, HttpMethod.POST).execute()) {
                reader.accept(response);
            }
        }
    }
}
