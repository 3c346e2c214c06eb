package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * ASVS 7.4.5 (all users): an admin's {@code DELETE /api/admin/sessions}, and the operator's statement in
 * docs/authentication.md run exactly as written, end every live session; the access tokens stop working within the
 * revocation promise (5 s) and the refresh cookies at once.
 */
@IntegrationTest
class EndEverySessionProcedureIntegrationTests {

    private static final Pattern STATEMENT = Pattern.compile(
            "### Ending every session at once \\(incident\\).*?```sql\\n(.*?)```", Pattern.DOTALL);

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;

    @Test
    void anAdminEndsEverySessionButTheirOwnAndItIsAuditedOnce() throws Exception {
        TestSessions sessions = new TestSessions(users, opener, jdbc, mvc);
        SignedIn admin = sessions.signIn(Role.ADMIN);
        SignedIn adminElsewhere = sessions.signIn(admin.user());
        List<SignedIn> others = List.of(sessions.signIn(Role.VIEWER), sessions.signIn(Role.MANAGER),
                sessions.signIn(Role.ADMIN), adminElsewhere);
        mvc.perform(delete("/api/admin/sessions").header(HttpHeaders.AUTHORIZATION, others.get(0).bearer()))
                .andExpect(status().isForbidden());
        long auditedBefore = audited(admin);

        mvc.perform(delete("/api/admin/sessions").header(HttpHeaders.AUTHORIZATION, admin.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ended_sessions").value(greaterThanOrEqualTo(others.size())));

        assertThat(jdbc.sql("select id from user_session where revoked_at is null").query(UUID.class).list())
                .containsExactly(admin.sessionId());
        for (SignedIn person : others) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> mvc.perform(
                    get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, person.bearer())).andReturn().getResponse()
                    .getStatus() == 401);
            mvc.perform(TestSessions.refresh(person.refreshToken())).andExpect(status().isUnauthorized());
        }
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, admin.bearer())).andExpect(status().isOk());
        assertThat(jdbc.sql("select revoked_reason from user_session where id = :id")
                .param("id", others.get(0).sessionId()).query(String.class).single()).isEqualTo("admin_all");
        assertThat(audited(admin)).isEqualTo(auditedBefore + 1);
    }

    private long audited(SignedIn admin) {
        return jdbc.sql("select count(*) from security_audit_event where type = 'all_sessions_revoked' "
                + "and user_id = :id").param("id", admin.user().id()).query(Long.class).single();
    }

    @Test
    void theDocumentedStatementEndsEverySessionOnEveryInstance() throws Exception {
        TestSessions sessions = new TestSessions(users, opener, jdbc, mvc);
        List<SignedIn> people = List.of(sessions.signIn(Role.VIEWER), sessions.signIn(Role.MANAGER),
                sessions.signIn(Role.ADMIN));
        Matcher documented = STATEMENT.matcher(Files.readString(Path.of("docs/authentication.md")));
        assertThat(documented.find()).as("the statement in docs/authentication.md").isTrue();

        long ended = jdbc.sql(documented.group(1)).query(Long.class).single();

        assertThat(ended).isGreaterThanOrEqualTo(people.size());
        assertThat(jdbc.sql("select count(*) from user_session where revoked_at is null").query(Long.class).single())
                .isZero();
        for (SignedIn person : people) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> mvc.perform(
                    get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, person.bearer())).andReturn().getResponse()
                    .getStatus() == 401);
            mvc.perform(TestSessions.refresh(person.refreshToken())).andExpect(status().isUnauthorized());
        }
    }
}
