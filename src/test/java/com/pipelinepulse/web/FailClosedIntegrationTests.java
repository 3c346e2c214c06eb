package com.pipelinepulse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestDatabase;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * ASVS 16.5.3: a security control that cannot do its work fails closed. With the rate-limit buckets unreadable to the
 * service's database role, a refresh (a per-address limited endpoint) is answered with a 5xx problem over real HTTP,
 * and nothing behind the limit runs: the refresh cookie is neither rotated nor spent.
 *
 * <p>The request comes from an address (forwarded by the loopback proxy) no other test uses: the refresh bucket of an
 * address this instance served less than a second ago is taken from its own copy without reading the store
 * (docs/security.md, "Rate limits"), as when another class of the shared context refreshed from 127.0.0.1 just before.
 */
@IntegrationTest
@TestPropertySource(properties = "pipelinepulse.security.trusted-proxies=127.0.0.1/32")
class FailClosedIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    @Test
    void aRateLimitStoreThatCannotBeReadEndsTheRequestWithAProblemAndLetsNothingThrough() throws Exception {
        TestSessions sessions = new TestSessions(users, opener, jdbc, mvc);
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));
        JdbcClient owner = TestDatabase.ownerJdbc();
        String role = TestDatabase.coordinates().username();
        List<String> granted = owner.sql("""
                select privilege_type from information_schema.role_table_grants
                where table_name = 'rate_limit_bucket' and grantee = :role""").param("role", role)
                .query(String.class).list();
        assertThat(granted).as("the service role's privileges on the buckets").isNotEmpty();

        HttpResponse<String> answer;
        owner.sql("revoke all on rate_limit_bucket from " + role).update();
        try {
            answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/auth/refresh"))
                    .header("X-Requested-With", "pipeline-pulse").header("Origin", TestSessions.SPA_ORIGIN)
                    .header("X-Forwarded-For", "192.0.2.165")
                    .header("Cookie", TestSessions.COOKIE + "=" + opened.refreshToken())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            owner.sql("grant " + String.join(", ", granted) + " on rate_limit_bucket to " + role).update();
        }

        assertThat(answer.statusCode()).isBetween(500, 503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body()).doesNotContain("rate_limit_bucket").doesNotContain("permission denied")
                .doesNotContain("access_token");
        assertThat(answer.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(TestSessions.COOKIE + "="));
        assertThat(jdbc.sql("select count(*) from refresh_token where session_id = :sid and rotated_at is not null")
                .param("sid", opened.sessionId()).query(Long.class).single()).as("rotated tokens").isZero();
        // The cookie was never spent: with the store back it refreshes as usual.
        mvc.perform(TestSessions.refresh(opened.refreshToken())).andExpect(status().isOk());
    }
}
