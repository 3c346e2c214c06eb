package com.pipelinepulse.zoho.signin;

import static com.pipelinepulse.testsupport.TestText.signInEvents;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import com.pipelinepulse.testsupport.ZohoStandIn;
import jakarta.servlet.http.Cookie;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Everything a sign-in must refuse. Each refused callback ends on the SPA's error page with the documented
 * reason, publishes one failed {@code sign_in} event, and writes no user, session or token.
 */
@ZohoIntegrationTest
@RecordApplicationEvents
class ZohoSignInAttackIntegrationTests {

    /** A server an attacker controls: it must never hear from us. */
    static WireMockServer evil;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationEvents events;

    @Autowired
    ReplacedTokenRevoker revoker;

    @BeforeAll
    static void startEvilServer() {
        evil = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        evil.start();
    }

    @AfterAll
    static void stopEvilServer() {
        evil.stop();
    }

    // ---- state ------------------------------------------------------------------------------------------

    @Test
    void missingStateIsRefused() throws Exception {
        SignInBrowser browser = startedBrowser();
        URI link = SignInBrowser.withParam(browser.link("user-in-viewer"), "state", null);

        refusedWithoutZoho(() -> browser.callback(link), "invalid_state");
    }

    @Test
    void unknownStateIsRefused() throws Exception {
        SignInBrowser browser = startedBrowser();
        URI link = SignInBrowser.withParam(browser.link("user-in-viewer"), "state",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        refusedWithoutZoho(() -> browser.callback(link), "invalid_state");
    }

    @Test
    void replayedStateIsRefused() throws Exception {
        SignInBrowser browser = startedBrowser();
        URI link = browser.link("user-in-viewer");
        assertThat(browser.callback(link).getResponse().getHeader("Location")).isEqualTo("https://app.example.com/");
        events.clear();

        // The very same redirect again, from the same browser with the same cookie.
        refusedWithoutZoho(() -> browser.callback(link), "invalid_state");
    }

    @Test
    void expiredStateIsRefused() throws Exception {
        SignInBrowser browser = startedBrowser();
        URI link = browser.link("user-in-viewer");
        String state = SignInBrowser.query(link).get("state");
        jdbc.sql("update zoho_sign_in_state set expires_at = now() - interval '1 second' where state_hash = ?")
                .param(SignInStateStore.sha256(state)).update();

        refusedWithoutZoho(() -> browser.callback(link), "state_expired");
    }

    @Test
    void stateFromAnotherBrowserIsRefusedAndStaysUsableForItsOwner() throws Exception {
        SignInBrowser victim = startedBrowser();
        URI link = victim.link("user-au-viewer");
        SignInBrowser attacker = startedBrowser();

        refusedWithoutZoho(() -> victim.callback(link, attacker.stateCookie()), "foreign_browser");
        refusedWithoutZoho(() -> victim.callback(link, null), "foreign_browser");
        refusedWithoutZoho(() -> victim.callback(link, new Cookie(ZohoSignInController.STATE_COOKIE, "forged")),
                "foreign_browser");

        // A third party showing the state did not burn it: the browser that started the sign-in completes it.
        assertThat(victim.callback(link).getResponse().getHeader("Location")).isEqualTo("https://app.example.com/");
    }

    // ---- data centre ---------------------------------------------------------------------------------------

    static Stream<Arguments> foreignDataCentres() {
        String b = ZohoStandIn.baseUrl();
        return Stream.of(
                Arguments.of("us", "EVIL/us"),                    // attacker's server
                Arguments.of("us", "EVIL"),
                Arguments.of("eu", b + "/us"),                    // mix-up: another DC's server
                Arguments.of("us", b + "/eu"),
                Arguments.of("xx", b + "/us"),                    // unknown location
                Arguments.of("us", b + "/us/../eu"),
                Arguments.of("us", b.replace("localhost", "127.0.0.1") + "/us"),
                Arguments.of("us", b + "/us?x=1"),
                Arguments.of("us", null),                         // half a pair
                Arguments.of(null, b + "/us"));
    }

    @ParameterizedTest
    @MethodSource("foreignDataCentres")
    void foreignAccountsServerIsRefusedWithoutAnyOutboundCall(String location, String accountsServer)
            throws Exception {
        SignInBrowser browser = startedBrowser();
        URI link = browser.link("user-us-admin");
        String server = accountsServer == null ? null : accountsServer.replace("EVIL", evil.baseUrl());
        URI forged = SignInBrowser.withParam(SignInBrowser.withParam(link, "location", location), "accounts-server",
                server);
        evil.resetRequests();

        refusedWithoutZoho(() -> browser.callback(forged), "unknown_data_center");
        assertThat(evil.getAllServeEvents()).isEmpty();
    }

    // ---- code -------------------------------------------------------------------------------------------

    @Test
    void reusedCodeIsRefusedAndWritesNothing() throws Exception {
        SignInBrowser first = startedBrowser();
        URI link = first.link("user-in-viewer");
        String code = SignInBrowser.query(link).get("code");
        assertThat(first.callback(link).getResponse().getHeader("Location")).isEqualTo("https://app.example.com/");
        // Zoho codes are single-use; the stand-in is stateless, so this test tells it the code is now spent.
        StubMapping spent = ZohoStandIn.server().stubFor(post(urlPathEqualTo("/in/oauth/v2/token")).atPriority(1)
                .withFormParam("code", equalTo(code)).willReturn(okJson("{\"error\":\"invalid_code\"}")));
        try {
            awaitRevocationsDone();
            events.clear();
            RowCounts before = RowCounts.of(jdbc);

            // A new sign-in (fresh state and cookie) presenting the already-used code.
            SignInBrowser second = startedBrowser();
            URI replay = SignInBrowser.withParam(link, "state", SignInBrowser.query(second.link("user-in-viewer"))
                    .get("state"));
            MvcResult callback = second.callback(replay);

            assertRefused(callback, "code_exchange_failed", before);
            assertThat(signInEvents(events).get(0).details()).containsEntry("detail", "rejected,zoho_error=invalid_code");
        } finally {
            ZohoStandIn.server().removeStub(spent);
        }
    }

    @Test
    void aFailureAfterTheCodeExchangeWritesNothingAndRevokesTheFreshRefreshToken() throws Exception {
        StubMapping crmDown = ZohoStandIn.server().stubFor(WireMock
                .get(urlPathEqualTo("/api/au/crm/v8/users")).atPriority(1)
                .willReturn(WireMock.serviceUnavailable()));
        try {
            refusedAfterTheExchangeAndRevoked("au-viewer", "zoho_unavailable");
        } finally {
            ZohoStandIn.server().removeStub(crmDown);
        }
    }

    /**
     * ASVS 13.2.4/13.2.5: the token response's {@code api_domain} is where every CRM call with the person's token
     * goes, so only an API domain of the data-centre table is accepted: an attacker's host (the old check let any
     * host with the accounts server's scheme through) or any other https host is refused before the token is sent
     * anywhere, nothing is stored, and the fresh refresh token is revoked.
     */
    @ParameterizedTest
    @ValueSource(strings = {"EVIL", "https://crm.evil.example", "https://www.zohoapis.com.evil.example"})
    void aTokenResponseNamingAnApiDomainOutsideTheTableIsRefused(String apiDomain) throws Exception {
        SignInBrowser browser = startedBrowser();
        URI link = browser.link("user-in-viewer");
        String code = SignInBrowser.query(link).get("code");
        String refreshToken = "1000." + UUID.randomUUID().toString().replace("-", "") + ".0000000000000000000000000000a005";
        StubMapping hostile = ZohoStandIn.server().stubFor(post(urlPathEqualTo("/in/oauth/v2/token")).atPriority(1)
                .withFormParam("code", equalTo(code)).willReturn(okJson("{\"access_token\":\"1000." + "a".repeat(32)
                        + ".0000000000000000000000000000a005\",\"refresh_token\":\"" + refreshToken
                        + "\",\"api_domain\":\"" + apiDomain.replace("EVIL", evil.baseUrl())
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        try {
            awaitRevocationsDone();
            events.clear();
            RowCounts before = RowCounts.of(jdbc);
            evil.resetRequests();

            MvcResult callback = browser.callback(link);

            assertRefused(callback, "zoho_unavailable", before);
            assertThat(signInEvents(events).get(0).details()).containsEntry("detail", "unavailable");
            assertThat(evil.getAllServeEvents()).as("requests the foreign API domain received").isEmpty();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ZohoStandIn.server().verify(1,
                    postRequestedFor(urlPathEqualTo("/in/oauth/v2/token/revoke"))
                            .withQueryParam("token", equalTo(refreshToken))));
        } finally {
            ZohoStandIn.server().removeStub(hostile);
        }
    }

    // ---- who may sign in (PP_ZOHO_ALLOWED_ORGS, PP_ALLOWED_EMAIL_DOMAINS) ---------------------------------

    @Test
    void aPersonOfAnotherZohoOrganisationIsRefusedAndTheirGrantRevoked() throws Exception {
        refusedByAllowList("us-outsider", "organisation_not_allowed,org=4000000000000002");
        ZohoStandIn.server().verify(getRequestedFor(urlPathEqualTo("/api/us/crm/v8/org")));
    }

    @Test
    void aPersonOfTheOrganisationWithAnEmailOutsideTheAllowedDomainsIsRefused() throws Exception {
        refusedByAllowList("us-contractor", "email_domain_not_allowed,org=4000000000000001");
    }

    /**
     * ASVS 10.5.2: the person is the Zoho account (ZUID) of the user-info answer; a CRM that names another ZUID as the
     * token's user is not believed, and nothing is stored.
     */
    @Test
    void aCrmCurrentUserWithAnotherZuidIsRefusedAndTheGrantRevoked() throws Exception {
        StubMapping someoneElse = ZohoStandIn.server().stubFor(WireMock.get(urlPathEqualTo("/api/in/crm/v8/users"))
                .atPriority(1).withHeader("Authorization", WireMock.containing("0000000000000000000000000000a004"))
                .willReturn(okJson("{\"users\":[{\"id\":\"5000000000000000099\",\"zuid\":\"9000000099\","
                        + "\"email\":\"someone.else@example.com\",\"full_name\":\"Someone Else\"}]}")));
        try {
            refusedAfterTheExchangeAndRevoked("in-viewer", "profile_unavailable");
            assertThat(signInEvents(events).get(0).details()).containsEntry("detail", "crm_user_is_someone_else");
        } finally {
            ZohoStandIn.server().removeStub(someoneElse);
        }
    }

    private void refusedByAllowList(String key, String detail) throws Exception {
        refusedAfterTheExchangeAndRevoked(key, "not_allowed");
        assertThat(signInEvents(events).get(0).details()).containsEntry("detail", detail);
        assertThat(signInEvents(events).get(0).subject()).endsWith(key.equals("us-outsider") ? "@example.com"
                : "@contractor.example");
    }

    /**
     * Signs the stand-in person {@code key} in; the callback must be refused with {@code reason} after the code
     * exchange, writing nothing, and the refresh token that exchange issued must be revoked at their data centre.
     */
    private void refusedAfterTheExchangeAndRevoked(String key, String reason) throws Exception {
        SignInBrowser browser = startedBrowser();
        URI link = browser.link("user-" + key);
        String code = SignInBrowser.query(link).get("code");
        String location = SignInBrowser.query(link).get("location");
        awaitRevocationsDone();
        events.clear();
        RowCounts before = RowCounts.of(jdbc);

        MvcResult callback = browser.callback(link);

        assertRefused(callback, reason, before);
        String issued = ZohoStandIn.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/" + location + "/oauth/v2/token")
                        && code.equals(e.getRequest().formParameter("code").firstValue()))
                .map(e -> e.getResponse().getBodyAsString()).findFirst().orElseThrow();
        String refreshToken = new ObjectMapper().readTree(issued).get("refresh_token").asText();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ZohoStandIn.server().verify(1,
                postRequestedFor(urlPathEqualTo("/" + location + "/oauth/v2/token/revoke"))
                        .withQueryParam("token", equalTo(refreshToken))));
    }

    // ---- return_to ----------------------------------------------------------------------------------------

    /** Raw query strings, as a browser would send them. */
    @ParameterizedTest
    @ValueSource(strings = {
            "return_to=//evil.example", "return_to=https://evil.example", "return_to=/%5Cevil.example",
            "return_to=%2F%2Fevil.example", "return_to=https%3A%2F%2Fevil.example", "return_to=%2F%5Cevil.example",
            "return_to=%252F%252Fevil.example", "return_to=/%252F%252Fevil.example", "return_to=/%255Cevil.example",
            "return_to=https%253A%252F%252Fevil.example", "return_to=%09//evil.example", "return_to=/%09/evil.example",
            "return_to=/%0D%0ALocation:%20https://evil.example", "return_to=evil.example"})
    void returnToOutsideTheSpaIsRefusedAtStartWithoutStoringAnything(String query) throws Exception {
        int states = jdbc.sql("select count(*) from zoho_sign_in_state").query(Integer.class).single();

        MvcResult result = mvc.perform(get(URI.create("/api/zoho/auth?" + query))).andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(400);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(result.getResponse().getContentAsString()).contains("urn:pipeline-pulse:problem:bad-request")
                .doesNotContain("evil.example");
        assertThat(result.getResponse().getHeader("Location")).isNull();
        assertThat(result.getResponse().getHeaders("Set-Cookie")).isEmpty();
        assertThat(jdbc.sql("select count(*) from zoho_sign_in_state").query(Integer.class).single())
                .isEqualTo(states);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    interface Callback {
        MvcResult perform() throws Exception;
    }

    private SignInBrowser startedBrowser() throws Exception {
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");
        return browser;
    }

    /**
     * Performs a callback that must be refused before any call to Zoho: the stand-in hears nothing, nothing is
     * written, the browser lands on the SPA's error page with {@code reason}, and one failure is audited.
     */
    private void refusedWithoutZoho(Callback callback, String reason) throws Exception {
        awaitRevocationsDone();
        events.clear();
        RowCounts before = RowCounts.of(jdbc);
        ZohoStandIn.server().resetRequests();

        MvcResult result = callback.perform();

        assertRefused(result, reason, before);
        assertThat(ZohoStandIn.server().getAllServeEvents()).as("requests the stand-in received").isEmpty();
    }

    private void assertRefused(MvcResult result, String reason, RowCounts before) {
        assertThat(result.getResponse().getStatus()).isEqualTo(302);
        assertThat(result.getResponse().getHeader("Location"))
                .isEqualTo("https://app.example.com/signin-error?reason=" + reason);
        assertThat(result.getResponse().getHeader("Cache-Control")).contains("no-store");
        assertThat(result.getResponse().getCookie(TestSessions.COOKIE)).isNull();
        assertThat(RowCounts.of(jdbc)).isEqualTo(before);
        List<SecurityEvent> signIns = signInEvents(events);
        assertThat(signIns).hasSize(1);
        assertThat(signIns.get(0).failed()).isTrue();
        assertThat(signIns.get(0).details()).containsEntry("reason", reason);
    }

    /** Earlier sign-ins may still be revoking replaced tokens in the background; let them finish first. */
    private void awaitRevocationsDone() {
        await().atMost(Duration.ofSeconds(10)).until(revoker::idle);
    }
}
