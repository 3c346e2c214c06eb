package com.pipelinepulse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class LimitedEndpointTests {

    @Test
    void matchesTheLimitedPathsOnly() {
        assertThat(LimitedEndpoint.match(request("GET", "/api/zoho/auth"))).isEqualTo(LimitedEndpoint.SIGN_IN);
        assertThat(LimitedEndpoint.match(request("GET", "/api/zoho/auth/callback"))).isEqualTo(LimitedEndpoint.SIGN_IN);
        assertThat(LimitedEndpoint.match(request("GET", "/api/zoho/auth/"))).isEqualTo(LimitedEndpoint.SIGN_IN);
        assertThat(LimitedEndpoint.match(request("POST", "/api/auth/refresh"))).isEqualTo(LimitedEndpoint.AUTH_REFRESH);
        assertThat(LimitedEndpoint.match(request("POST", "/api/zoho/refresh"))).isEqualTo(LimitedEndpoint.ZOHO_REFRESH);
        assertThat(LimitedEndpoint.match(request("POST", "/api/zoho/connection/test")))
                .isEqualTo(LimitedEndpoint.ZOHO_CONNECTION_TEST);
        assertThat(LimitedEndpoint.match(request("GET", "/api/zoho/connection"))).isNull();
        assertThat(LimitedEndpoint.match(request("GET", "/api/auth/me"))).isNull();
    }

    @Test
    void adminWritesAreLimitedAndAdminReadsAreNot() {
        assertThat(LimitedEndpoint.match(request("PATCH", "/api/admin/users/42"))).isEqualTo(LimitedEndpoint.ADMIN_WRITES);
        assertThat(LimitedEndpoint.match(request("DELETE", "/api/admin/users/42/sessions")))
                .isEqualTo(LimitedEndpoint.ADMIN_WRITES);
        assertThat(LimitedEndpoint.match(request("GET", "/api/admin/audit"))).isNull();
        assertThat(LimitedEndpoint.match(request("HEAD", "/api/admin/audit"))).isNull();
        assertThat(LimitedEndpoint.match(request("POST", "/api/administrator"))).isNull();
    }

    @Test
    void ipv6CallersAreKeyedByTheirSlash64AndUsersByADigest() {
        assertThat(ClientKeys.forAddress("2001:db8:1:2:3:4:5:6")).isEqualTo("ip:2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientKeys.forAddress("203.0.113.9")).isEqualTo("ip:203.0.113.9");
        assertThat(ClientKeys.forUser("alice@example.com")).startsWith("user:").doesNotContain("alice").hasSize(37);
    }

    private static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        return request;
    }
}
