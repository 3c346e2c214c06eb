package com.pipelinepulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.web.ProblemResponseWriter;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestBodyLimitFilterTests {

    private final ProblemResponseWriter problems = new ProblemResponseWriter(new ObjectMapper());

    @Test
    void bodyWithinTheLimitReachesTheApplicationIntact() throws Exception {
        var filter = new RequestBodyLimitFilter(16, Duration.ofSeconds(10), problems);
        MockHttpServletRequest request = chunked("{\"a\":\"bcdef\"}");
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, new MockHttpServletResponse(), chain);
        HttpServletRequest seen = (HttpServletRequest) chain.getRequest();
        assertThat(new String(seen.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"bcdef\"}");
    }

    @Test
    void chunkedBodyOverTheLimitIs413AndNeverReachesTheApplication() throws Exception {
        var filter = new RequestBodyLimitFilter(16, Duration.ofSeconds(10), problems);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(chunked("x".repeat(17)), response, chain);
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void bodyThatTakesLongerThanTheDeadlineIs408() throws Exception {
        var filter = new RequestBodyLimitFilter(1024, Duration.ofNanos(1), problems);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(chunked("x".repeat(100)), response, chain);
        assertThat(response.getStatus()).isEqualTo(408);
        assertThat(response.getContentAsString()).contains("urn:pipeline-pulse:problem:request-timeout");
        assertThat(chain.getRequest()).isNull();
    }

    private static MockHttpServletRequest chunked(String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/x") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        request.addHeader("Transfer-Encoding", "chunked");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
