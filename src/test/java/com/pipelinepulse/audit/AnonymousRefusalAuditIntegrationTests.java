package com.pipelinepulse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.observability.MetricNames;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Refusals anyone can cause without a session (no cookie, the CSRF check) are all counted, but the audit trail keeps
 * one row per client address, type and reason a minute. Each test uses client addresses of its own.
 */
@IntegrationTest
class AnonymousRefusalAuditIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MeterRegistry meters;

    @Test
    void aHundredCookieLessRefreshesAreAHundredInTheMetricAndOneAuditRow() throws Exception {
        String client = "198.51.100.201";
        double before = refusals("refresh", "missing_token");

        for (int i = 0; i < 100; i++) {
            mvc.perform(from(client, TestSessions.refresh(null))).andExpect(status().isUnauthorized());
        }

        assertThat(rows(client, "refresh", "missing_token")).isOne();
        assertThat(refusals("refresh", "missing_token")).isEqualTo(before + 100);
        // Another address gets its own row.
        mvc.perform(from("198.51.100.202", TestSessions.refresh(null))).andExpect(status().isUnauthorized());
        assertThat(rows("198.51.100.202", "refresh", "missing_token")).isOne();
    }

    @Test
    void aHundredCsrfRefusalsAreAHundredInTheMetricAndOneAuditRowPerEndpointAndReason() throws Exception {
        String client = "198.51.100.203";
        double refreshBefore = refusals("refresh", "missing_csrf_header");
        double logoutBefore = refusals("logout", "missing_csrf_header");

        for (int i = 0; i < 100; i++) {
            mvc.perform(from(client, post("/api/auth/refresh"))).andExpect(status().isForbidden());
            mvc.perform(from(client, post("/api/auth/logout"))).andExpect(status().isForbidden());
        }
        mvc.perform(from(client, post("/api/auth/refresh").header("X-Requested-With", "pipeline-pulse")))
                .andExpect(status().isForbidden());

        assertThat(rows(client, "refresh", "missing_csrf_header")).isOne();
        assertThat(rows(client, "logout", "missing_csrf_header")).isOne();
        assertThat(refusals("refresh", "missing_csrf_header")).isEqualTo(refreshBefore + 100);
        assertThat(refusals("logout", "missing_csrf_header")).isEqualTo(logoutBefore + 100);
        // Another reason from the same address is a row of its own.
        assertThat(rows(client, "refresh", "origin_not_allowed")).isOne();
        assertThat(meters.get(MetricNames.AUDIT_ROWS_THROTTLED).tag("type", "refresh").counter().count())
                .isGreaterThanOrEqualTo(99);
    }

    private static MockHttpServletRequestBuilder from(String client, MockHttpServletRequestBuilder request) {
        return request.with(r -> {
            r.setRemoteAddr(client);
            return r;
        }).header(HttpHeaders.USER_AGENT, "JUnit");
    }

    private double refusals(String type, String reason) {
        Counter counter = meters.find(MetricNames.ANONYMOUS_REFUSALS).tag("type", type).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private long rows(String client, String type, String reason) {
        return jdbc.sql("""
                select count(*) from security_audit_event
                where client_ip = :client and type = :type and outcome = 'failure' and details->>'reason' = :reason""")
                .param("client", client).param("type", type).param("reason", reason).query(Long.class).single();
    }
}
