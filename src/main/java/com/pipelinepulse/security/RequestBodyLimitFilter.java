package com.pipelinepulse.security;

import com.pipelinepulse.web.ProblemResponseWriter;
import com.pipelinepulse.web.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds request bodies in size and in time. A {@code Content-Length} above the limit is refused at once (413)
 * without reading anything. Any other body (chunked, or announced within the limit) is read here, in full and
 * before anything else sees it, up to the limit (413 beyond it) and within the read deadline (408 after it);
 * the application then reads the buffered copy. Bodies are small on this API, so the buffer is at most the limit.
 */
final class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final long deadlineNanos;
    private final ProblemResponseWriter problems;

    RequestBodyLimitFilter(long maxBytes, Duration readTimeout, ProblemResponseWriter problems) {
        this.maxBytes = maxBytes;
        this.deadlineNanos = readTimeout.toNanos();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long announced = request.getContentLengthLong();
        if (announced > maxBytes) {
            reject(request, response, ProblemType.PAYLOAD_TOO_LARGE, "The request body is too large.");
            return;
        }
        boolean hasBody = announced > 0 || request.getHeader("Transfer-Encoding") != null;
        if (!hasBody) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body;
        try {
            body = readBounded(request.getInputStream());
        } catch (TooLarge e) {
            reject(request, response, ProblemType.PAYLOAD_TOO_LARGE, "The request body is too large.");
            return;
        } catch (TooSlow e) {
            reject(request, response, ProblemType.REQUEST_TIMEOUT, "The request body did not arrive in time.");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private byte[] readBounded(InputStream in) throws IOException {
        long started = System.nanoTime();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        // Each read blocks at most for Tomcat's connection timeout, so the deadline is checked often enough.
        while ((n = in.read(chunk)) >= 0) {
            if (buffer.size() + (long) n > maxBytes) {
                throw new TooLarge();
            }
            buffer.write(chunk, 0, n);
            if (System.nanoTime() - started > deadlineNanos) {
                throw new TooSlow();
            }
        }
        return buffer.toByteArray();
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, ProblemType type, String detail)
            throws IOException {
        // The rest of the body is not worth reading: the container closes the connection after the answer.
        response.setHeader("Connection", "close");
        problems.write(request, response, type, detail);
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("request body over the limit");
        }
    }

    private static final class TooSlow extends IOException {
        TooSlow() {
            super("request body too slow");
        }
    }

    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("The body was read already; it is served from memory");
                }
            };
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset;
            try {
                charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            } catch (IllegalArgumentException e) {
                throw new UnsupportedEncodingException(encoding);
            }
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
