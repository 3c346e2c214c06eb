package com.pipelinepulse.zoho.tokens;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import com.pipelinepulse.testsupport.ZohoStandIn;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * {@code GET /api/zoho/connection}, {@code POST /api/zoho/connection/test}, {@code POST /api/zoho/refresh}: 401
 * without a valid access token, any role otherwise (so no 403 case exists), the person's own connection only, and
 * the local limit of forced refreshes.
 */
@ZohoIntegrationTest
class ZohoConnectionApiIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenCipher cipher;

    final WireMockServer standIn = ZohoStandIn.server();
    TestSessions sessions;
    ZohoConnectionRows rows;

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
        rows = new ZohoConnectionRows(jdbc, cipher);
    }

    @ParameterizedTest
    @CsvSource({"GET,/api/zoho/connection", "POST,/api/zoho/connection/test", "POST,/api/zoho/refresh"})
    void withoutAValidAccessTokenTheAnswerIs401(String method, String path) throws Exception {
        mvc.perform(request(method, path)).andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
        mvc.perform(request(method, path).header(HttpHeaders.AUTHORIZATION, "Bearer not-a-token"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
    }

    @ParameterizedTest
    @CsvSource({"GET,/api/zoho/connection", "POST,/api/zoho/connection/test", "POST,/api/zoho/refresh"})
    void aPersonWithoutAConnectionGets404(String method, String path) throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        mvc.perform(request(method, path).header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:zoho-not-connected"))
                .andExpect(jsonPath("$.sign_in_url").value("/api/zoho/auth"));
    }

    @Test
    void everyRoleSeesItsOwnConnectionWithoutTokens() throws Exception {
        for (Role role : Role.values()) {
            SignedIn me = sessions.signIn(role);
            String access = ZohoConnectionRows.usAdminToken();
            String refresh = ZohoConnectionRows.usAdminToken();
            rows.insert(me.user().id(), access, Instant.now().plusSeconds(3600), refresh);
            mvc.perform(get("/api/zoho/connection").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                    .andExpect(status().isOk())
                    .andExpect(header().string("Cache-Control", containsString("no-store")))
                    .andExpect(jsonPath("$.status").value("CONNECTED"))
                    .andExpect(jsonPath("$.data_center").value("us"))
                    .andExpect(jsonPath("$.api_domain").value(ZohoStandIn.baseUrl() + "/api/us"))
                    .andExpect(jsonPath("$.scopes").value(hasItem("ZohoCRM.modules.ALL")))
                    .andExpect(jsonPath("$.access_token_expires_at").isNotEmpty())
                    .andExpect(jsonPath("$.sign_in_url").doesNotExist())
                    .andExpect(content().string(not(containsString(access))))
                    .andExpect(content().string(not(containsString(refresh))));
        }
    }

    /**
     * ASVS 13.2.4/13.2.5: a stored {@code api_domain} changed in the database is not followed. Outside the
     * data-centre table (an attacker's host) the tokens are not used at all; another table entry does not open
     * tokens sealed for the original one (the API domain is part of their associated data). Either way the person
     * is sent to sign in again and nothing reaches the altered host.
     */
    @ParameterizedTest
    @ValueSource(strings = {"attacker", "eu"})
    void aStoredApiDomainAlteredInTheDatabaseIsRefusedAtUse(String alteredTo) throws Exception {
        WireMockServer attacker = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        attacker.start();
        try {
            SignedIn me = sessions.signIn(Role.VIEWER);
            UUID connection = rows.insert(me.user().id(), ZohoConnectionRows.usAdminToken(),
                    Instant.now().plusSeconds(3600), ZohoConnectionRows.usAdminToken());
            String altered = alteredTo.equals("attacker") ? attacker.baseUrl() : ZohoStandIn.baseUrl() + "/api/eu";
            jdbc.sql("update zoho_connection set api_domain = ? where id = ?").params(altered, connection).update();
            standIn.resetRequests();

            mvc.perform(post("/api/zoho/connection/test").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:zoho-reauth-required"))
                    .andExpect(jsonPath("$.sign_in_url").value("/api/zoho/auth"));

            assertThat(attacker.getAllServeEvents()).as("requests the altered host received").isEmpty();
            assertThat(standIn.getAllServeEvents()).extracting(event -> event.getRequest().getUrl())
                    .as("CRM and token requests the stand-in received")
                    .noneMatch(url -> url.startsWith("/api/") || url.contains("/oauth/v2/token"));
        } finally {
            attacker.stop();
        }
    }

    @Test
    void theConnectionTestAnswersTheZohoUser() throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        rows.insert(me.user().id(), ZohoConnectionRows.usAdminToken(), Instant.now().plusSeconds(3600),
                ZohoConnectionRows.usAdminToken());
        mvc.perform(post("/api/zoho/connection/test").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(true))
                .andExpect(jsonPath("$.zoho_user.zuid").value(ZohoConnectionRows.US_ADMIN_ZUID))
                .andExpect(jsonPath("$.zoho_user.email").value("ada.admin@example.com"));
    }

    /**
     * ASVS 7.1.3 and 7.6.1: our session and the person's Zoho grant have lifetimes of their own. A grant Zoho no longer
     * honours stops the Zoho features (409 with the sign-in URL) but not our session, and our session's refresh never
     * asks Zoho anything.
     */
    @Test
    void ourSessionGoesOnWithoutAskingZohoWhileTheZohoGrantNeedsSignInAgain() throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        String zohoRefreshToken = ZohoConnectionRows.usAdminToken();
        UUID connection = rows.insertExpired(me.user().id(), zohoRefreshToken);
        jdbc.sql("update zoho_connection set status = 'REAUTH_REQUIRED' where id = ?").param(connection).update();

        String refreshed = mvc.perform(TestSessions.refresh(me.refreshToken())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        String bearer = "Bearer " + com.jayway.jsonpath.JsonPath.read(refreshed, "$.access_token");
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, bearer)).andExpect(status().isOk())
                .andExpect(jsonPath("$.user_id").value(me.user().id().toString()));
        mvc.perform(post("/api/zoho/refresh").header(HttpHeaders.AUTHORIZATION, bearer))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:zoho-reauth-required"));

        // Not even the 409 asked Zoho: the connection is known to need a sign-in.
        standIn.verify(0, ZohoTokenManagerIntegrationTests.refreshRequests(zohoRefreshToken));
    }

    @Test
    void aConnectionThatNeedsSignInAgainSaysSoAndIsNotCalled() throws Exception {
        SignedIn me = sessions.signIn(Role.MANAGER);
        UUID connection = rows.insertExpired(me.user().id(), ZohoConnectionRows.usAdminToken());
        jdbc.sql("update zoho_connection set status = 'REAUTH_REQUIRED' where id = ?").param(connection).update();
        mvc.perform(get("/api/zoho/connection").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("REAUTH_REQUIRED"))
                .andExpect(jsonPath("$.sign_in_url").value("/api/zoho/auth"));
        for (String path : new String[] {"/api/zoho/connection/test", "/api/zoho/refresh"}) {
            mvc.perform(post(path).header(HttpHeaders.AUTHORIZATION, me.bearer()))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:zoho-reauth-required"))
                    .andExpect(jsonPath("$.sign_in_url").value("/api/zoho/auth"));
        }
    }

    @Test
    void theEleventhForcedRefreshWithinTenMinutesIsRefusedWithoutCallingZoho() throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        String refresh = ZohoConnectionRows.usAdminToken();
        rows.insert(me.user().id(), ZohoConnectionRows.usAdminToken(), Instant.now().plusSeconds(3600), refresh);

        for (int i = 1; i <= 10; i++) {
            mvc.perform(post("/api/zoho/refresh").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.status").value("CONNECTED"))
                    .andExpect(jsonPath("$.last_refresh_outcome").value("success"));
        }
        standIn.verify(10, ZohoTokenManagerIntegrationTests.refreshRequests(refresh));

        String retryAfter = mvc.perform(post("/api/zoho/refresh").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isTooManyRequests())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:zoho-refresh-limited"))
                .andReturn().getResponse().getHeader(HttpHeaders.RETRY_AFTER);

        assertThat(Long.parseLong(retryAfter)).isBetween(500L, 600L);
        standIn.verify(10, ZohoTokenManagerIntegrationTests.refreshRequests(refresh));
        // The stand-in saw nothing else for this person either.
        assertThat(standIn.findAll(postRequestedFor(urlEqualTo("/us/oauth/v2/token"))).stream()
                .filter(r -> r.getBodyAsString().contains(refresh)).count()).isEqualTo(10);
    }

    @Test
    void theZohoHealthComponentCountsConnectionsAndIsNotPartOfReadiness() throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        rows.insert(me.user().id(), ZohoConnectionRows.usAdminToken(), Instant.now().plusSeconds(3600),
                ZohoConnectionRows.usAdminToken());
        org.springframework.web.client.RestClient management = org.springframework.web.client.RestClient.create(
                "http://127.0.0.1:" + environment.getProperty("local.management.port"));

        com.fasterxml.jackson.databind.JsonNode zoho = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                management.get().uri("/actuator/health/zoho").retrieve().body(String.class));
        com.fasterxml.jackson.databind.JsonNode readiness = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(management.get().uri("/actuator/health/readiness").retrieve().body(String.class));

        assertThat(zoho.get("status").asText()).isEqualTo("UP");
        assertThat(zoho.at("/details/connections/CONNECTED").asLong()).isPositive();
        assertThat(zoho.at("/details/connections").has("REAUTH_REQUIRED")).isTrue();
        assertThat(zoho.at("/details/circuits").isObject()).isTrue();
        assertThat(readiness.get("components").has("zoho")).isFalse();
    }

    @Autowired
    org.springframework.core.env.Environment environment;

    private static MockHttpServletRequestBuilder request(String method, String path) {
        return "GET".equals(method) ? get(path) : post(path);
    }
}
