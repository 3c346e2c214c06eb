package com.pipelinepulse.zoho.accounts;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Requests over the JDK {@link HttpClient}'s blocking {@code send}, the whole exchange (connect, headers, body)
 * within one call budget.
 *
 * <p>Why not Spring's {@code JdkClientHttpRequestFactory}: it always calls {@code sendAsync}, and the JDK completes
 * that future through {@code CompletableFuture}'s default executor, which on a machine with one or two CPUs is a new
 * thread per task; and it writes every request body from a new thread unless the client has an executor. With it,
 * each sign-in started about six threads (docs/benchmarks.md, issue 18's sign-in profile). Here the caller's thread
 * sends, the body is a byte array, and the client's own work runs on its pool of worker threads, which are reused.
 *
 * <p>The budget: the request's timeout bounds connecting and waiting for the headers; what is left of it then bounds
 * reading the body, after which the body stream is closed and the read fails with {@link HttpTimeoutException}.
 */
final class BlockingHttpRequestFactory implements ClientHttpRequestFactory {

    /** Headers the JDK client sets itself and refuses from the caller. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    /**
     * Closes the bodies that outlive their budget. One daemon thread for every client; its tasks are tiny, and a
     * task cancelled because its answer was read in time leaves the queue at once (a CRM sync makes thousands of
     * calls, each with a deadline up to the call budget away, and each deadline holds its answer's stream).
     */
    private static final ScheduledExecutorService DEADLINES = deadlines();

    private final HttpClient client;
    private final Duration callTimeout;

    private static ScheduledExecutorService deadlines() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "zoho-http-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    BlockingHttpRequestFactory(HttpClient client, Duration callTimeout) {
        this.client = client;
        this.callTimeout = callTimeout;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
        return new Request(uri, httpMethod);
    }

    private final class Request extends AbstractClientHttpRequest {

        private final URI uri;
        private final HttpMethod method;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

        Request(URI uri, HttpMethod method) {
            this.uri = uri;
            this.method = method;
        }

        @Override
        public HttpMethod getMethod() {
            return method;
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        protected OutputStream getBodyInternal(HttpHeaders headers) {
            return body;
        }

        @Override
        protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
            long deadline = System.nanoTime() + callTimeout.toNanos();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(callTimeout)
                    .method(method.name(), body.size() == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
            headers.forEach((name, values) -> {
                if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for Zoho");
            }
            return new Response(response, Math.max(0, deadline - System.nanoTime()));
        }
    }

    private static final class Response implements ClientHttpResponse {

        /** The most of an unread answer read on close to keep its connection; a larger rest closes it. */
        private static final long DRAIN_LIMIT = 64 * 1024;

        private final HttpResponse<InputStream> response;
        private final HttpHeaders headers = new HttpHeaders();
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final InputStream body;
        private final ScheduledFuture<?> deadline;

        Response(HttpResponse<InputStream> response, long remainingNanos) {
            this.response = response;
            for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
                headers.addAll(header.getKey(), header.getValue());
            }
            InputStream raw = response.body();
            this.body = new FilterInputStream(raw) {
                @Override
                public int read() throws IOException {
                    try {
                        return inTime(super.read());
                    } catch (IOException e) {
                        throw inTime(e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return inTime(super.read(b, off, len));
                    } catch (IOException e) {
                        throw inTime(e);
                    }
                }

                /** What was read, unless the deadline closed the stream under the reader (then an end or "closed"). */
                private int inTime(int result) throws IOException {
                    if (timedOut.get()) {
                        throw timeout();
                    }
                    return result;
                }

                private IOException inTime(IOException failure) {
                    return timedOut.get() ? timeout() : failure;
                }
            };
            this.deadline = DEADLINES.schedule(() -> {
                timedOut.set(true);
                closeQuietly(raw);
            }, remainingNanos, TimeUnit.NANOSECONDS);
        }

        private static HttpTimeoutException timeout() {
            return new HttpTimeoutException("the answer's body took longer than the call's budget");
        }

        @Override
        public HttpStatusCode getStatusCode() {
            return HttpStatusCode.valueOf(response.statusCode());
        }

        @Override
        public String getStatusText() {
            return "";
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public InputStream getBody() {
            return body;
        }

        /**
         * Reads what is left of the answer (up to {@link #DRAIN_LIMIT} bytes, within the call's deadline) before
         * closing it. Closed while its body is still arriving, the JDK client closes the connection instead of keeping
         * it for the next call, and against Zoho a new connection is a TLS handshake across the internet
         * (ZohoHttpConnectionReuseTests). A reader that stopped at the end of its JSON leaves nothing but the end.
         */
        @Override
        public void close() {
            try {
                drain();
            } finally {
                deadline.cancel(false);
                closeQuietly(body);
            }
        }

        private void drain() {
            byte[] buffer = new byte[4096];
            long left = DRAIN_LIMIT;
            try {
                int read;
                while (left > 0 && (read = body.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                    left -= read;
                }
            } catch (IOException e) {
                // Broken or past its deadline: closing below releases the connection either way.
            }
        }

        private static void closeQuietly(InputStream stream) {
            try {
                stream.close();
            } catch (IOException e) {
                // Closing only releases the connection; nothing to report.
            }
        }
    }
}
