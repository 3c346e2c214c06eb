package com.pipelinepulse.ratelimit;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.audit.SecurityEvent;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.context.WebApplicationContext;

/** Per-address and per-user limits: 429 problem+json with Retry-After, an event, a metric, and no work done. */
@RateLimitTestContext
class RateLimitIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    ApplicationEvents events;

    @Autowired
    MeterRegistry meters;

    @Autowired
    FilterChainProxy securityFilters;

    @Autowired
    WebApplicationContext context;

    @Test
    void signInOverTheLimitIs429WithRetryAfterAndZohoReceivesNoCall() throws Exception {
        double rejectedBefore = rejections("sign-in");
        for (int i = 0; i < 3; i++) {
            mvc.perform(signIn("limit-reached").with(from("198.51.100.10"))).andExpect(status().isOk());
        }

        expectTooManyRequests(mvc.perform(signIn("limit-reached").with(from("198.51.100.10"))));

        assertThat(RateLimitProbes.calls("limit-reached")).isEqualTo(3);
        RateLimitProbes.ZOHO.verify(3, getRequestedFor(urlPathEqualTo("/oauth/v2/auth"))
                .withQueryParam("probe", equalTo("limit-reached")));
        assertThat(rejections("sign-in")).isEqualTo(rejectedBefore + 1);
        assertThat(events.stream(SecurityEvent.class)
                .filter(e -> e.type().equals(SecurityEvent.Types.RATE_LIMITED))
                .filter(e -> "ip:198.51.100.10".equals(e.subject())))
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("endpoint", "sign-in"));
    }

    @Test
    void callbackSharesTheSignInBucket() throws Exception {
        mvc.perform(signIn("shared-start").with(from("198.51.100.11"))).andExpect(status().isOk());
        mvc.perform(signIn("shared-start").with(from("198.51.100.11"))).andExpect(status().isOk());
        mvc.perform(callback("shared-callback", "success").with(from("198.51.100.11"))).andExpect(status().isOk());
        expectTooManyRequests(mvc.perform(callback("shared-callback", "success").with(from("198.51.100.11"))));
        assertThat(RateLimitProbes.calls("shared-callback")).isEqualTo(1);
    }

    @Test
    void forgedForwardedForFromAnUntrustedAddressLandsInTheSocketAddressBucket() throws Exception {
        for (int i = 1; i <= 3; i++) {
            mvc.perform(signIn("forged").with(from("198.51.100.20")).header("X-Forwarded-For", "203.0.113." + i))
                    .andExpect(status().isOk());
        }
        // A fourth invented address does not buy a fresh bucket: the socket address's bucket is empty.
        expectTooManyRequests(mvc.perform(
                signIn("forged").with(from("198.51.100.20")).header("X-Forwarded-For", "203.0.113.4")));
        assertThat(RateLimitProbes.calls("forged")).isEqualTo(3);
    }

    @Test
    void forwardedForFromATrustedProxyIsHonoured() throws Exception {
        for (int i = 0; i < 3; i++) {
            mvc.perform(signIn("proxied").with(from("10.0.0.5")).header("X-Forwarded-For", "1.1.1.1, 203.0.113.70"))
                    .andExpect(status().isOk());
        }
        expectTooManyRequests(mvc.perform(
                signIn("proxied").with(from("10.0.0.6")).header("X-Forwarded-For", "203.0.113.70")));
        // Another client behind the same proxy has a bucket of its own, and so has the proxy itself.
        mvc.perform(signIn("proxied").with(from("10.0.0.5")).header("X-Forwarded-For", "203.0.113.71"))
                .andExpect(status().isOk());
        assertThat(RateLimitProbes.calls("proxied")).isEqualTo(4);
    }

    @Test
    void ipv6ClientsShareABucketPerSlash64() throws Exception {
        for (int i = 1; i <= 3; i++) {
            mvc.perform(signIn("v6").with(from("2001:db8:1:2::" + i))).andExpect(status().isOk());
        }
        expectTooManyRequests(mvc.perform(signIn("v6").with(from("2001:db8:1:2:ffff::9"))));
        mvc.perform(signIn("v6").with(from("2001:db8:1:3::1"))).andExpect(status().isOk());
    }

    @Test
    void zohoRefreshIsLimitedPerUserAndNotPerAddress() throws Exception {
        for (int i = 0; i < 2; i++) {
            mvc.perform(post("/api/zoho/refresh").param("probe", "zoho-refresh").with(user("alice@example.com"))
                    .with(from("198.51.100.40"))).andExpect(status().isOk());
        }
        expectTooManyRequests(mvc.perform(post("/api/zoho/refresh").param("probe", "zoho-refresh")
                .with(user("alice@example.com")).with(from("198.51.100.41"))));
        mvc.perform(post("/api/zoho/refresh").param("probe", "zoho-refresh").with(user("bob@example.com"))
                .with(from("198.51.100.40"))).andExpect(status().isOk());
        assertThat(RateLimitProbes.calls("zoho-refresh")).isEqualTo(3);
        assertThat(events.stream(SecurityEvent.class)
                .filter(e -> e.type().equals(SecurityEvent.Types.RATE_LIMITED))
                .filter(e -> "zoho-refresh".equals(e.details().get("endpoint"))))
                .singleElement()
                .satisfies(e -> assertThat(e.subject()).startsWith("user:").doesNotContain("alice"));
    }

    @Test
    void adminWritesAreLimitedAndReadsAreNot() throws Exception {
        for (int i = 0; i < 5; i++) {
            mvc.perform(get("/api/admin/users").param("probe", "admin-read").with(user("carol@example.com")))
                    .andExpect(status().isOk());
        }
        for (int i = 0; i < 2; i++) {
            mvc.perform(patch("/api/admin/users").param("probe", "admin-write").with(user("carol@example.com")))
                    .andExpect(status().isOk());
        }
        expectTooManyRequests(mvc.perform(
                post("/api/admin/users").param("probe", "admin-write").with(user("carol@example.com"))));
        assertThat(RateLimitProbes.calls("admin-write")).isEqualTo(2);
    }

    @Test
    void anonymousCallersNeverReachTheUserLimits() throws Exception {
        mvc.perform(post("/api/zoho/connection/test").param("probe", "anonymous")).andExpect(status().isForbidden());
        assertThat(RateLimitProbes.calls("anonymous")).isZero();
    }

    @Test
    void productionApiChainRunsTheUserLimitsAfterAuthorization() {
        MockHttpServletRequest request = new MockHttpServletRequest(context.getServletContext(), "POST",
                "/api/some-endpoint");
        request.setServletPath("/api/some-endpoint");
        SecurityFilterChain apiChain = securityFilters.getFilterChains().stream()
                .filter(chain -> chain.matches(request)).findFirst().orElseThrow();
        List<Class<?>> filters = apiChain.getFilters().stream().map(Filter::getClass).<Class<?>>map(c -> c).toList();
        assertThat(filters).containsSubsequence(AuthorizationFilter.class, UserRateLimitFilter.class);
    }

    private double rejections(String endpoint) {
        var counter = meters.find(RateLimitRejections.METRIC).tag("endpoint", endpoint).counter();
        return counter == null ? 0 : counter.count();
    }

    static MockHttpServletRequestBuilder signIn(String probe) {
        return get("/api/zoho/auth").param("probe", probe);
    }

    static MockHttpServletRequestBuilder callback(String probe, String outcome) {
        return get("/api/zoho/auth/callback").param("probe", probe).param("outcome", outcome);
    }

    static RequestPostProcessor from(String socketAddress) {
        return request -> {
            request.setRemoteAddr(socketAddress);
            return request;
        };
    }

    static ResultActions expectTooManyRequests(ResultActions result) throws Exception {
        return result.andExpect(status().isTooManyRequests())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:too-many-requests"))
                .andExpect(jsonPath("$.status").value(429))
                .andExpect(jsonPath("$.request_id").isString())
                .andExpect(header().string("Retry-After", matchesPattern("[1-9][0-9]*")));
    }
}
