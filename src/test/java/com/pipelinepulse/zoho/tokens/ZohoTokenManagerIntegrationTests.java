package com.pipelinepulse.zoho.tokens;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import com.pipelinepulse.testsupport.ZohoStandIn;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.zoho.ZohoConnectionStatus;
import com.pipelinepulse.zoho.ZohoCrmClient;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager.AccessToken;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The token manager against the Zoho stand-in: one refresh for many callers, retries with growing waits, no retry
 * where a retry would hurt, the time budget (30 s; short in tests), re-authentication and the CRM's refresh-and-retry on INVALID_TOKEN.
 * Fault stubs are added at high priority for this test's own refresh token only and removed afterwards; every
 * expected number of requests is checked at the stand-in.
 */
@ZohoIntegrationTest
class ZohoTokenManagerIntegrationTests {

    private static final String TOKEN_PATH = "/us/oauth/v2/token";

    @Autowired
    ZohoTokenManager tokens;
    @Autowired
    ZohoTokenStore store;
    @Autowired
    ZohoCrmClient crm;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenCipher cipher;
    @Autowired
    CircuitBreakerRegistry circuitBreakers;
    @Autowired
    TimeLimiterRegistry timeLimiters;
    @Autowired
    com.pipelinepulse.identity.UserDirectory users;
    @Autowired
    com.pipelinepulse.session.SessionOpener opener;
    @Autowired
    org.springframework.test.web.servlet.MockMvc mvc;

    final WireMockServer standIn = ZohoStandIn.server();
    final List<StubMapping> stubs = new ArrayList<>();
    ZohoConnectionRows rows;
    TestSessions sessions;

    @BeforeEach
    void setUp() {
        rows = new ZohoConnectionRows(jdbc, cipher);
        sessions = new TestSessions(users, opener, jdbc, mvc);
        // Failures of earlier tests must not leave the us breaker open for this one.
        circuitBreakers.circuitBreaker("zoho-us", ZohoTokenManager.CIRCUIT_CONFIG).reset();
    }

    @AfterEach
    void removeStubs() {
        stubs.forEach(standIn::removeStub);
    }

    @Test
    void twoHundredConcurrentCallersWithAnExpiredTokenCauseOneRefresh() throws Exception {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);

        Set<String> served = callConcurrently(200, () -> tokens.accessToken(connection).value());

        assertThat(served).hasSize(1);
        standIn.verify(1, refreshRequests(refresh));
        assertThat(store.read(connection).orElseThrow().accessToken()).isEqualTo(served.iterator().next());
        // And the next caller is served from memory.
        assertThat(tokens.accessToken(connection).value()).isEqualTo(served.iterator().next());
        standIn.verify(1, refreshRequests(refresh));
    }

    /**
     * ASVS 10.4.x: the refresh grant authenticates the client with its id and secret in the form
     * ({@code client_secret_post}), never in an Authorization header, and sends nothing else of ours.
     */
    @Test
    void theRefreshGrantAuthenticatesTheClientWithItsSecret() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);

        tokens.accessToken(connection);

        standIn.verify(1, refreshRequests(refresh)
                .withFormParam("grant_type", equalTo("refresh_token"))
                .withFormParam("client_id", equalTo(ZohoStandIn.CLIENT_ID))
                .withFormParam("client_secret", equalTo(ZohoStandIn.clientSecret()))
                .withoutFormParam("code_verifier")
                .withoutHeader("Authorization"));
    }

    /**
     * Rows stored before the API domain was bound into the tokens' associated data (sealed with the row id alone)
     * still work, and their first refresh seals both tokens with the id and API domain.
     */
    @Test
    void aRowSealedWithTheIdAloneIsUsedAndSealedWithItsApiDomainAtTheNextRefresh() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        jdbc.sql("update zoho_connection set access_token = ?, refresh_token = ? where id = ?")
                .params(cipher.encrypt(ZohoConnectionRows.usAdminToken(), connection.toString()),
                        cipher.encrypt(refresh, connection.toString()), connection).update();

        String served = tokens.accessToken(connection).value();

        standIn.verify(1, refreshRequests(refresh));
        Map<String, Object> row = jdbc.sql("select api_domain, access_token, refresh_token from zoho_connection "
                + "where id = ?").param(connection).query().singleRow();
        String context = ZohoConnectionRows.context(connection, (String) row.get("api_domain"));
        assertThat(cipher.decrypt((String) row.get("access_token"), context)).isEqualTo(served);
        assertThat(cipher.decrypt((String) row.get("refresh_token"), context)).isEqualTo(refresh);
        assertThatThrownBy(() -> cipher.decrypt((String) row.get("refresh_token"), connection.toString()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRefreshLeaseLeftByAnInstanceThatDiedLapsesAndTheRefreshGoesAhead() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        // Another instance claimed the lease and died before giving it back.
        jdbc.sql("""
                update zoho_connection set refresh_lease_owner = ?,
                    refresh_lease_until = clock_timestamp() + interval '2 seconds'
                where id = ?""").param(UUID.randomUUID()).param(connection).update();

        String served = tokens.accessToken(connection).value();

        standIn.verify(1, refreshRequests(refresh));
        assertThat(store.read(connection).orElseThrow().accessToken()).isEqualTo(served);
        assertThat(jdbc.sql("select refresh_lease_owner is null and refresh_lease_until is null from zoho_connection "
                + "where id = ?").param(connection).query(Boolean.class).single()).isTrue();
    }

    @Test
    void twoServiceUnavailableAnswersThenSuccessTakeThreeCallsWithGrowingWaits() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        String minted = ZohoConnectionRows.usAdminToken();
        String scenario = "503-503-200-" + refresh;
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .inScenario(scenario).whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("third"));
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .inScenario(scenario).whenScenarioStateIs("third").willReturn(tokenAnswer(minted)));

        assertThat(tokens.accessToken(connection).value()).isEqualTo(minted);

        standIn.verify(3, refreshRequests(refresh));
        List<Long> times = standIn.findAll(refreshRequests(refresh)).stream()
                .map(LoggedRequest::getLoggedDate).map(java.util.Date::getTime).sorted().toList();
        long firstWait = times.get(1) - times.get(0);
        long secondWait = times.get(2) - times.get(1);
        // Configured: 500 ms, doubling, +-25 % jitter: 375..625 ms, then 750..1250 ms.
        assertThat(firstWait).isBetween(300L, 900L);
        assertThat(secondWait).isGreaterThan(firstWait);
        assertThat(store.read(connection).orElseThrow().accessToken()).isEqualTo(minted);
    }

    @Test
    void aConnectionResetIsRetried() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        String minted = ZohoConnectionRows.usAdminToken();
        String scenario = "reset-" + refresh;
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("after-reset"));
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .inScenario(scenario).whenScenarioStateIs("after-reset").willReturn(tokenAnswer(minted)));

        assertThat(tokens.accessToken(connection).value()).isEqualTo(minted);

        standIn.verify(2, refreshRequests(refresh));
    }

    @Test
    void invalidCodeMakesOneCallAndLeavesTheConnectionReauthRequired() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID user = sessions.user(Role.VIEWER).id();
        UUID connection = rows.insertExpired(user, refresh);
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_code\"}")));

        assertThatThrownBy(() -> tokens.accessToken(connection)).isInstanceOfSatisfying(ApiProblemException.class,
                problem -> {
                    assertThat(problem.slug()).isEqualTo("zoho-reauth-required");
                    assertThat(problem.status()).isEqualTo(409);
                    assertThat(problem.properties()).containsEntry("sign_in_url", "/api/zoho/auth");
                });

        standIn.verify(1, refreshRequests(refresh));
        Map<String, Object> row = jdbc.sql("""
                select status, last_refresh_outcome, refresh_token is not null as kept from zoho_connection
                where id = ?""").param(connection).query().singleRow();
        assertThat(row).containsEntry("status", "REAUTH_REQUIRED").containsEntry("last_refresh_outcome",
                "invalid_code").containsEntry("kept", true);
        assertThat(jdbc.sql("select count(*) from security_audit_event where type = 'zoho_reauth_required' "
                + "and user_id = ?").param(user).query(Long.class).single()).isEqualTo(1);
        // Later callers are told the same without calling Zoho again.
        assertThatThrownBy(() -> tokens.accessToken(connection)).isInstanceOf(ApiProblemException.class);
        standIn.verify(1, refreshRequests(refresh));
    }

    @Test
    void theThrottleAnswerMakesOneCallAndNoRetry() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"Access Denied\",\"error_description\":\"You have made too many "
                                + "requests continuously. Please try again after some time.\",\"status\":\"failure\"}")));

        assertThatThrownBy(() -> tokens.accessToken(connection)).isInstanceOfSatisfying(ApiProblemException.class,
                problem -> {
                    assertThat(problem.slug()).isEqualTo("zoho-unavailable");
                    assertThat(problem.status()).isEqualTo(503);
                    assertThat(problem.headers().getFirst("Retry-After")).isEqualTo("600");
                });

        standIn.verify(1, refreshRequests(refresh));
        assertThat(store.read(connection).orElseThrow().status()).isEqualTo(ZohoConnectionStatus.CONNECTED);
    }

    @Test
    void anAnswerDelayedPastTheBudgetEndsInATimeoutWithinAboutTheBudget() {
        // The one test that waits for the whole budget on purpose: 30 s in production, configured short for tests
        // (application-test.yml: the time limit and pipelinepulse.zoho.tokens.http-timeout).
        Duration budget = timeLimiters.timeLimiter(ZohoTokenManager.RESILIENCE_NAME).getTimeLimiterConfig()
                .getTimeoutDuration();
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .willReturn(tokenAnswer(ZohoConnectionRows.usAdminToken()).withFixedDelay(40_000)));

        long start = System.nanoTime();
        assertThatThrownBy(() -> tokens.accessToken(connection)).isInstanceOfSatisfying(ApiProblemException.class,
                problem -> {
                    assertThat(problem.slug()).isEqualTo("zoho-unavailable");
                    assertThat(problem.getMessage()).contains(budget.toSeconds() + " s");
                });
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isBetween(budget.minusSeconds(1), budget.plusSeconds(2));
        // The refreshing thread was interrupted and let go of its lock and connection: nothing left running.
        await().atMost(Duration.ofSeconds(3)).until(() -> tokens.runningRefreshes() == 0);
        assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("zoho-token-refresh-"))
                .filter(t -> t.getState() == Thread.State.RUNNABLE)).isEmpty();
        standIn.verify(1, refreshRequests(refresh));
        assertThat(store.read(connection).orElseThrow().status()).isEqualTo(ZohoConnectionStatus.CONNECTED);
        assertThat(jdbc.sql("select last_refresh_outcome from zoho_connection where id = ?").param(connection)
                .query(String.class).single()).isEqualTo("timeout");
    }

    @Test
    void aCrmCallWithATokenZohoCallsInvalidRefreshesOnceAndSucceeds() {
        String refresh = ZohoConnectionRows.usAdminToken();
        String refused = ZohoConnectionRows.refusedToken();
        UUID user = sessions.user(Role.VIEWER).id();
        UUID connection = rows.insert(user, refused, java.time.Instant.now().plus(Duration.ofHours(1)), refresh);

        JsonNode answer = crm.get(user, "/crm/v8/users", Map.of("type", "CurrentUser"));

        assertThat(answer.get("users").get(0).get("zuid").asText()).isEqualTo(ZohoConnectionRows.US_ADMIN_ZUID);
        standIn.verify(1, refreshRequests(refresh));
        standIn.verify(1, getRequestedFor(urlPathEqualTo("/api/us/crm/v8/users"))
                .withHeader("Authorization", equalTo("Zoho-oauthtoken " + refused)));
        String fresh = store.read(connection).orElseThrow().accessToken();
        assertThat(fresh).isNotEqualTo(refused);
        standIn.verify(1, getRequestedFor(urlPathEqualTo("/api/us/crm/v8/users"))
                .withHeader("Authorization", equalTo("Zoho-oauthtoken " + fresh)));
    }

    @Test
    void theCrmsTooManyRequestsBecomes503WithRetryAfterAndIsNotRepeated() {
        String access = ZohoConnectionRows.usAdminToken();
        UUID user = sessions.user(Role.VIEWER).id();
        rows.insert(user, access, java.time.Instant.now().plus(Duration.ofHours(1)), ZohoConnectionRows.usAdminToken());
        stub(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/api/us/crm/v8/Deals")).atPriority(1)
                .withHeader("Authorization", equalTo("Zoho-oauthtoken " + access))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"TOO_MANY_REQUESTS\",\"details\":{},\"message\":\"too many "
                                + "requests\",\"status\":\"error\"}")));

        assertThatThrownBy(() -> crm.get(user, "/crm/v8/Deals", Map.of("fields", "Deal_Name")))
                .isInstanceOfSatisfying(ApiProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(503);
                    assertThat(problem.slug()).isEqualTo("zoho-unavailable");
                    assertThat(problem.headers().getFirst("Retry-After")).isEqualTo("60");
                });

        standIn.verify(1, getRequestedFor(urlPathEqualTo("/api/us/crm/v8/Deals"))
                .withHeader("Authorization", equalTo("Zoho-oauthtoken " + access)));
    }

    @Test
    void anOpenCircuitOfTheDataCentreRefusesWithoutCallingZoho() {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        io.github.resilience4j.circuitbreaker.CircuitBreaker us =
                circuitBreakers.circuitBreaker("zoho-us", ZohoTokenManager.CIRCUIT_CONFIG);
        us.transitionToForcedOpenState();
        try {
            assertThatThrownBy(() -> tokens.accessToken(connection)).isInstanceOfSatisfying(
                    ApiProblemException.class, problem -> {
                        assertThat(problem.status()).isEqualTo(503);
                        assertThat(problem.headers().getFirst("Retry-After")).isEqualTo("30");
                    });
            standIn.verify(0, refreshRequests(refresh));
            assertThat(health.health().getStatus().getCode()).isEqualTo("DOWN");
            assertThat(health.health().getDetails().get("circuits")).isEqualTo(Map.of("us", "FORCED_OPEN"));
        } finally {
            us.reset();
        }
        assertThat(tokens.accessToken(connection).value()).isNotNull();
        standIn.verify(1, refreshRequests(refresh));
        assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
    }

    /**
     * ASVS 16.3.4: a failing security control on the Zoho side (Zoho refuses our client) is logged at ERROR with the
     * connection and Zoho's code, and the log carries neither the refresh token nor the client secret.
     */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aRefreshZohoRefusesIsLoggedAsAnErrorWithoutTheTokenOrTheSecret(
            org.springframework.boot.test.system.CapturedOutput output) {
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(sessions.user(Role.VIEWER).id(), refresh);
        stub(post(urlEqualTo(TOKEN_PATH)).atPriority(1).withRequestBody(containing("refresh_token=" + refresh))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_client\"}")));
        int start = output.getOut().length();

        assertThatThrownBy(() -> tokens.accessToken(connection)).isInstanceOf(ApiProblemException.class);

        String logged = output.getOut().substring(start);
        assertThat(com.pipelinepulse.testsupport.LogCanaries.assertEveryLineIsJson(logged))
                .filteredOn(line -> "ERROR".equals(line.path("level").asText()))
                .extracting(line -> line.path("message").asText())
                .contains("Zoho refused the token refresh of connection " + connection
                        + " (invalid_client): check the Zoho client settings");
        assertThat(logged).doesNotContain(refresh).doesNotContain(ZohoStandIn.clientSecret());
        standIn.verify(1, refreshRequests(refresh));
    }

    @Autowired
    ZohoHealthIndicator health;

    private void stub(com.github.tomakehurst.wiremock.client.MappingBuilder builder) {
        stubs.add(standIn.stubFor(builder));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder tokenAnswer(String accessToken) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"" + accessToken + "\",\"api_domain\":\"" + ZohoStandIn.baseUrl()
                        + "/api/us\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }

    static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder refreshRequests(String refreshToken) {
        return postRequestedFor(urlEqualTo(TOKEN_PATH)).withRequestBody(containing("refresh_token=" + refreshToken));
    }

    static Set<String> callConcurrently(int callers, java.util.concurrent.Callable<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await();
            go.countDown();
            Set<String> served = ConcurrentHashMap.newKeySet();
            for (Future<String> result : results) {
                served.add(result.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return served;
        } finally {
            pool.shutdownNow();
        }
    }
}
