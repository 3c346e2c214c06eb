package com.pipelinepulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.testsupport.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;

/**
 * Oversized requests, sent over a real socket to the running server: headers beyond Tomcat's limit and bodies
 * beyond {@code pipelinepulse.http.max-body-size} are refused with problem+json, never an HTML page.
 */
@IntegrationTest
class RequestLimitsIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    ServletWebServerApplicationContext server;

    @Test
    void connectorTimeoutsBoundWhatASlowClientCanHold() {
        Connector connector = ((TomcatWebServer) server.getWebServer()).getTomcat().getConnector();
        // Idle gap while reading a request, idle keep-alive connection, and how much of a refused body is drained.
        assertThat(connector.getProperty("connectionTimeout")).isEqualTo(10_000);
        assertThat(connector.getProperty("keepAliveTimeout")).isEqualTo(20_000);
        assertThat(connector.getProperty("maxSwallowSize")).isEqualTo(64 * 1024);
        assertThat(connector.getProperty("maxHttpRequestHeaderSize")).isEqualTo(16 * 1024);
    }

    @Test
    void oversizedHeaderIs431ProblemJson() throws IOException {
        Response response = exchange("GET /api/zoho/auth HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
                + "a".repeat(20 * 1024) + "\r\n\r\n", null);
        expectProblem(response, 431, "headers-too-large");
    }

    @Test
    void hugeBearerTokenIs431ProblemJson() throws IOException {
        Response response = exchange("GET /api/auth/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + "eyJ".repeat(7 * 1024) + "\r\n\r\n", null);
        expectProblem(response, 431, "headers-too-large");
    }

    @Test
    void headersTogetherOverTheLimitAre431ProblemJson() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            headers.append("X-Header-").append(i).append(": ").append("v".repeat(300)).append("\r\n");
        }
        Response response = exchange("GET /api/zoho/auth HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n", null);
        expectProblem(response, 431, "headers-too-large");
    }

    @Test
    void tooManyHeaderLinesAre431ProblemJson() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        Response response = exchange("GET /api/zoho/auth HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n", null);
        expectProblem(response, 431, "headers-too-large");
    }

    @Test
    void announcedOversizedBodyIs413ProblemJsonWithoutReadingIt() throws IOException {
        Response response = exchange("POST /probe/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nContent-Length: 10000000\r\n\r\n", null);
        expectProblem(response, 413, "payload-too-large");
    }

    @Test
    void chunkedBodyCrossingTheLimitIs413ProblemJson() throws IOException {
        // A JSON string of 100 KB sent in 4 KB chunks with no Content-Length.
        byte[] body = ("{\"name\":\"" + "x".repeat(100 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        for (int offset = 0; offset < body.length; offset += 4096) {
            int n = Math.min(4096, body.length - offset);
            chunked.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(body, offset, n);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Response response = exchange("POST /probe/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked\r\n\r\n", chunked.toByteArray());
        expectProblem(response, 413, "payload-too-large");
    }

    @Test
    void otherContainerLevelErrorsAreProblemJsonToo() throws IOException {
        Response response = exchange("GET /api/zoho/auth?x=<> HTTP/1.1\r\nHost: localhost\r\n\r\n", null);
        expectProblem(response, 400, "bad-request");
    }

    @Test
    void traceIsRefusedWithAProblem() throws IOException {
        // Spring Security's firewall refuses the method before any handler: nothing is echoed back.
        Response response = exchange("TRACE /api/zoho/auth HTTP/1.1\r\nHost: localhost\r\nX-Echo-Marker: traced\r\n"
                + "Connection: close\r\n\r\n", null);
        expectProblem(response, 400, "bad-request");
        assertThat(response.body()).doesNotContain("traced");
    }

    @Test
    void firewallRejectionsAreProblemJson() throws IOException {
        Response response = exchange("GET /api/zoho/auth/..;/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                null);
        expectProblem(response, 400, "bad-request");
    }

    @Test
    void bodyWithinTheLimitIsServed() throws IOException {
        byte[] body = ("{\"name\":\"" + "x".repeat(60 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
        Response response = exchange("POST /probe/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);
        assertThat(response.status()).isEqualTo(200);
    }

    private void expectProblem(Response response, int status, String slug) throws IOException {
        assertThat(response.status()).as(response.head()).isEqualTo(status);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo("urn:pipeline-pulse:problem:" + slug);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("<html", "Tomcat", "Exception");
    }

    private Response exchange(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before taking everything; the answer is still there to read.
            }
            return Response.read(socket.getInputStream());
        }
    }

    record Response(int status, String head, String body) {

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return "";
        }

        /** Reads one HTTP/1.1 response: head, then a Content-Length or chunked body. */
        static Response read(InputStream in) throws IOException {
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            Response partial = new Response(status, head, "");
            String length = partial.header("content-length");
            byte[] body;
            if (!length.isEmpty()) {
                body = in.readNBytes(Integer.parseInt(length));
            } else if (partial.header("transfer-encoding").equalsIgnoreCase("chunked")) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                int size;
                while ((size = Integer.parseInt(readLine(in).trim(), 16)) > 0) {
                    buffer.write(in.readNBytes(size));
                    readLine(in);
                }
                body = buffer.toByteArray();
            } else {
                body = in.readAllBytes();
            }
            return new Response(status, head, new String(body, StandardCharsets.UTF_8));
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                head.append(line).append("\r\n");
            }
            return head.toString();
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
