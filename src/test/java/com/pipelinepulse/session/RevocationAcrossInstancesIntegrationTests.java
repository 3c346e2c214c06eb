package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.SecondInstance;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.client.RestClient;

/**
 * Two instances of the application on one database: the shared test context (instance A) and a second one
 * started here (instance B) with the same JWT key ring, as behind a load balancer. A session ended through
 * A must be refused by B within 5 seconds. B runs with {@code pipelinepulse.openapi.enabled=false}, which
 * also shows that the OpenAPI description is off when not enabled.
 */
@IntegrationTest
class RevocationAcrossInstancesIntegrationTests {

    private static ConfigurableApplicationContext instanceB;
    private static RestClient apiB;

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    javax.sql.DataSource dataSource;
    @Autowired
    SessionStore store;
    @Autowired
    SessionProperties properties;

    TestSessions sessions;

    @BeforeAll
    static void startSecondInstance(@Autowired Secrets secrets) {
        instanceB = SecondInstance.shared(secrets);
        apiB = RestClient.create("http://127.0.0.1:" + instanceB.getEnvironment().getProperty("local.server.port"));
    }

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
    }

    @Test
    void aSessionEndedOnOneInstanceIsRefusedByTheOtherWithinFiveSeconds() throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        await().atMost(Duration.ofSeconds(10)).until(() -> instanceB.getBean(SessionRevocations.class).listening());
        assertThat(meOnB(me).getStatusCode().value()).isEqualTo(200);

        Instant revokedAt = Instant.now();
        mvc.perform(TestSessions.logout(me.refreshToken())).andExpect(status().isNoContent());
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isUnauthorized());

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> meOnB(me).getStatusCode().value() == 401);
        assertThat(Duration.between(revokedAt, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(meOnB(me).getBody()).contains("urn:pipeline-pulse:problem:invalid-token");
    }

    @Test
    void aSessionEndedOnTheSecondInstanceIsRefusedByTheFirst() throws Exception {
        SignedIn me = sessions.signIn(Role.ADMIN);
        SignedIn other = sessions.signIn(Role.VIEWER);
        assertThat(apiB.delete().uri("/api/admin/users/{id}/sessions", other.user().id())
                .header(HttpHeaders.AUTHORIZATION, me.bearer()).retrieve().toBodilessEntity()
                .getStatusCode().value()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, other.bearer()))
                        .andExpect(status().isUnauthorized()));
    }

    @Test
    void anAdminDemotedOnOneInstanceIsRefusedByTheOtherWithinFiveSeconds() throws Exception {
        SignedIn admin = sessions.signIn(Role.ADMIN);
        SignedIn demoted = sessions.signIn(Role.ADMIN);
        await().atMost(Duration.ofSeconds(10)).until(() -> instanceB.getBean(SessionRevocations.class).listening());
        assertThat(meOnB(demoted).getStatusCode().value()).isEqualTo(200);

        Instant demotedAt = Instant.now();
        mvc.perform(patch("/api/admin/users/" + demoted.user().id()).header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"role\":\"viewer\"}")).andExpect(status().isOk());

        // On the other instance, the admin token he still holds can neither read nor undo anything.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> meOnB(demoted).getStatusCode().value() == 401);
        assertThat(Duration.between(demotedAt, Instant.now())).isLessThan(Duration.ofSeconds(5));
        ResponseEntity<String> undo = apiB.patch().uri("/api/admin/users/{id}", demoted.user().id())
                .header(HttpHeaders.AUTHORIZATION, demoted.bearer()).contentType(MediaType.APPLICATION_JSON)
                .body("{\"role\":\"admin\"}").retrieve().onStatus(HttpStatusCode::isError, (req, res) -> { })
                .toEntity(String.class);
        assertThat(undo.getStatusCode().value()).isEqualTo(401);
        assertThat(users.find(demoted.user().id()).orElseThrow().role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void withoutItsListenerAnInstanceAsksTheDatabaseAndAReconnectingListenerCatchesUp() throws Exception {
        SignedIn ended = sessions.signIn(Role.VIEWER);
        SignedIn live = sessions.signIn(Role.VIEWER);
        SessionRevocations disconnected = new SessionRevocations(dataSource, store, properties);
        mvc.perform(TestSessions.logout(ended.refreshToken())).andExpect(status().isNoContent());

        // Not listening: fail-safe, straight from the table.
        assertThat(disconnected.listening()).isFalse();
        assertThat(disconnected.isRevoked(ended.sessionId())).isTrue();
        assertThat(disconnected.isRevoked(live.sessionId())).isFalse();

        // Connecting loads what was revoked while it was away, so it knows without asking the database.
        disconnected.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(disconnected::listening);
            jdbc.sql("update user_session set revoked_at = null, revoked_reason = null where id = :id")
                    .param("id", ended.sessionId()).update();
            assertThat(disconnected.isRevoked(ended.sessionId())).isTrue();
            assertThat(disconnected.isRevoked(live.sessionId())).isFalse();
        } finally {
            disconnected.stop();
        }
    }

    @Test
    void openApiIsOffUnlessEnabled() {
        ResponseEntity<String> docs = apiB.get().uri("/v3/api-docs").retrieve()
                .onStatus(HttpStatusCode::isError, (req, res) -> { }).toEntity(String.class);
        assertThat(docs.getStatusCode().value()).isEqualTo(404);
    }

    private static ResponseEntity<String> meOnB(SignedIn who) {
        return apiB.get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, who.bearer()).retrieve()
                .onStatus(HttpStatusCode::isError, (req, res) -> { }).toEntity(String.class);
    }
}
