package com.pipelinepulse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.observability.MetricNames;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * ASVS 16.3.2: failed authorization attempts are logged. Every 403 answered to a signed-in caller, whichever layer
 * refused it, is an {@code access_refused} event in the audit trail (who, what, from where), counted each time but
 * written at most once a minute per user, address and reason. Each test signs in users of its own.
 */
@IntegrationTest
class AccessRefusalAuditIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MeterRegistry meters;

    TestSessions sessions;

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
    }

    @Test
    void aViewerRefusedTheAdminApiIsOneRowWithTheRequestFactsAndEveryRefusalIsCounted() throws Exception {
        SignedIn viewer = sessions.signIn(Role.VIEWER);
        double counted = accessRefusals();
        double throttled = throttledRows();

        for (int i = 0; i < 5; i++) {
            mvc.perform(as(viewer, "198.51.100.211", get("/api/admin/users"))).andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:forbidden"));
        }
        mvc.perform(as(viewer, "198.51.100.211", patch("/api/admin/users/" + viewer.user().id())
                .contentType(MediaType.APPLICATION_JSON).content("{\"role\":\"admin\"}")))
                .andExpect(status().isForbidden());

        List<Map<String, Object>> rows = rows(viewer.user().id());
        assertThat(rows).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("outcome", "failure").containsEntry("client_ip", "198.51.100.211")
                .containsEntry("user_agent", "JUnit").containsEntry("reason", "forbidden")
                .containsEntry("method", "GET").containsEntry("path", "/api/admin/users")
                .containsEntry("roles", "[\"viewer\"]").containsEntry("subject", "z***@example.com"));
        assertThat(accessRefusals()).isEqualTo(counted + 6);
        assertThat(throttledRows()).isEqualTo(throttled + 5);
        // The refused change did not happen.
        assertThat(users.find(viewer.user().id()).orElseThrow().role()).isEqualTo(Role.VIEWER);

        // From another address, the same refusal is a row of its own.
        mvc.perform(as(viewer, "198.51.100.212", get("/api/admin/users"))).andExpect(status().isForbidden());
        assertThat(rows(viewer.user().id())).extracting(r -> r.get("client_ip"))
                .containsExactly("198.51.100.211", "198.51.100.212");
    }

    @Test
    void anAdminOnAnUnknownApiPathAndAViewerOutsideTheirRegionAreRefusalsWithTheirReasons() throws Exception {
        SignedIn admin = sessions.signIn(Role.ADMIN);
        mvc.perform(as(admin, "198.51.100.213", get("/api/not-a-route"))).andExpect(status().isForbidden());
        assertThat(rows(admin.user().id())).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("reason", "forbidden").containsEntry("path", "/api/not-a-route")
                .containsEntry("roles", "[\"admin\"]"));

        // A controller's 403 (the pipeline module's region scope) is recorded with the problem as its reason.
        SignedIn viewer = sessions.signIn(Role.VIEWER);
        mvc.perform(as(viewer, "198.51.100.213", get("/api/pipeline/summary").param("region", "APAC")))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:region-forbidden"));
        assertThat(rows(viewer.user().id())).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("reason", "region_forbidden").containsEntry("path", "/api/pipeline/summary"));
    }

    @Test
    void allowedRequestsAndMissingTokensAreNoAccessRefusal() throws Exception {
        SignedIn viewer = sessions.signIn(Role.VIEWER);
        double counted = accessRefusals();

        mvc.perform(as(viewer, "198.51.100.214", get("/api/auth/me"))).andExpect(status().isOk());
        mvc.perform(get("/api/admin/users").with(r -> {
            r.setRemoteAddr("198.51.100.214");
            return r;
        })).andExpect(status().isUnauthorized());

        assertThat(rows(viewer.user().id())).isEmpty();
        assertThat(jdbc.sql("select count(*) from security_audit_event where type = 'access_refused' "
                + "and client_ip = '198.51.100.214'").query(Long.class).single()).isZero();
        assertThat(accessRefusals()).isEqualTo(counted);
    }

    private static MockHttpServletRequestBuilder as(SignedIn who, String client, MockHttpServletRequestBuilder request) {
        return request.with(r -> {
            r.setRemoteAddr(client);
            return r;
        }).header(HttpHeaders.AUTHORIZATION, who.bearer()).header(HttpHeaders.USER_AGENT, "JUnit");
    }

    private double accessRefusals() {
        Counter counter = meters.find(MetricNames.AUDIT_EVENTS).tag("type", SecurityEvent.Types.ACCESS_REFUSED)
                .tag("outcome", "failure").counter();
        return counter == null ? 0 : counter.count();
    }

    private double throttledRows() {
        return meters.get(MetricNames.AUDIT_ROWS_THROTTLED).tag("type", SecurityEvent.Types.ACCESS_REFUSED).counter()
                .count();
    }

    private List<Map<String, Object>> rows(UUID user) {
        return jdbc.sql("""
                select outcome, client_ip, user_agent, subject, details->>'reason' as reason,
                       details->>'method' as method, details->>'path' as path, details->>'roles' as roles
                from security_audit_event where type = 'access_refused' and user_id = :user order by id""")
                .param("user", user).query().listOfRows();
    }
}
