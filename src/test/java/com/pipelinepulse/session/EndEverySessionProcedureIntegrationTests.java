package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * ASVS 7.4.5 (all users): the operator's statement in docs/authentication.md, run exactly as written, ends every
 * live session; the access tokens stop working within the revocation promise (5 s) and the refresh cookies at once.
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
