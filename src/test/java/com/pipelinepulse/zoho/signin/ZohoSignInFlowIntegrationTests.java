package com.pipelinepulse.zoho.signin;

import static com.pipelinepulse.testsupport.TestText.randomHex;
import static com.pipelinepulse.testsupport.TestText.signInEvents;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.jayway.jsonpath.JsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import com.pipelinepulse.testsupport.ZohoStandIn;
import jakarta.servlet.http.Cookie;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** Sign-in with Zoho end to end through the stand-in, for a US and an EU person, and the token bookkeeping. */
@ZohoIntegrationTest
@RecordApplicationEvents
class ZohoSignInFlowIntegrationTests {

    static final String SPA = "https://app.example.com";
    static final String REDIRECT_URI = "https://api.example.com/api/zoho/auth/callback";
    static final String SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ,AaaServer.profile.READ";
    /** The stand-in's people (its README): key to ZUID. */
    static final Map<String, String> ZUIDS = Map.of("us-admin", "9000000001", "us-manager", "9000000002",
            "eu-viewer", "9000000003", "in-viewer", "9000000004", "au-viewer", "9000000005", "jp-viewer",
            "9000000006");

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TokenCipher cipher;

    @Autowired
    ApplicationEvents events;

    @Test
    void usPersonSignsInAtTheUsAccountsServer() throws Exception {
        signsInEndToEnd("us-admin", "us", "9000000001", "ada.admin@example.com", "0000000000000000000000000000a001",
                "Ada Admin", "AMER");
    }

    @Test
    void euPersonSignsInAtTheEuAccountsServer() throws Exception {
        signsInEndToEnd("eu-viewer", "eu", "9000000003", "erik.viewer@example.com",
                "0000000000000000000000000000a003", "Erik Viewer", "EMEA");
    }

    private void signsInEndToEnd(String key, String location, String zuid, String email, String marker,
            String displayName, String region) throws Exception {
        int sessionsBefore = jdbc.sql("select count(*) from user_session").query(Integer.class).single();
        SignInBrowser browser = new SignInBrowser(mvc);

        // 1. Start: one-time state, browser binding, PKCE, offline access with consent, 302 to Zoho.
        MvcResult start = browser.start("/pipeline/deals?stage=won");
        assertThat(start.getResponse().getHeader("Cache-Control")).contains("no-store");
        URI zoho = browser.authorizationUrl();
        assertThat(zoho.toString()).startsWith(ZohoStandIn.baseUrl() + "/oauth/v2/auth?");
        Map<String, String> authorize = SignInBrowser.query(zoho);
        assertThat(authorize)
                .containsEntry("client_id", ZohoStandIn.CLIENT_ID)
                .containsEntry("response_type", "code")
                .containsEntry("redirect_uri", REDIRECT_URI)
                .containsEntry("scope", SCOPES)
                .containsEntry("access_type", "offline")
                .containsEntry("prompt", "consent")
                .containsEntry("code_challenge_method", "S256");
        String state = authorize.get("state");
        assertThat(state).matches("[A-Za-z0-9_-]{43}");  // 256 random bits
        assertThat(authorize.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");

        String stateCookieHeader = setCookie(start, ZohoSignInController.STATE_COOKIE);
        assertThat(stateCookieHeader).contains("HttpOnly", "Secure", "SameSite=Lax", "Path=/api/zoho/auth",
                "Max-Age=600");
        String binding = browser.stateCookie().getValue();
        assertThat(binding).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(state);

        // Stored server-side as hashes only; the verifier is what the challenge was made from.
        Map<String, Object> stored = jdbc.sql("""
                select binding_hash, code_verifier, return_to, expires_at from zoho_sign_in_state
                where state_hash = ?""").param(SignInStateStore.sha256(state)).query().singleRow();
        assertThat((byte[]) stored.get("binding_hash")).isEqualTo(SignInStateStore.sha256(binding));
        assertThat(s256((String) stored.get("code_verifier"))).isEqualTo(authorize.get("code_challenge"));
        assertThat(stored.get("return_to")).isEqualTo("/pipeline/deals?stage=won");
        assertThat(instant(stored.get("expires_at")))
                .isBetween(Instant.now().plus(Duration.ofMinutes(9)),
                        Instant.now().plus(Duration.ofMinutes(11)));

        // 2. The person picks their account on the stand-in's page; Zoho redirects to our callback.
        URI link = browser.link("user-" + key);
        Map<String, String> callbackParams = SignInBrowser.query(link);
        assertThat(callbackParams).containsEntry("location", location)
                .containsEntry("accounts-server", ZohoStandIn.accountsServer(location))
                .containsEntry("state", state);
        String code = callbackParams.get("code");

        MvcResult callback = browser.callback(link);

        // 3. Back to the SPA, where the person asked to go, with a session cookie; the state cookie is dropped.
        assertThat(callback.getResponse().getStatus()).isEqualTo(302);
        assertThat(callback.getResponse().getHeader("Location")).isEqualTo(SPA + "/pipeline/deals?stage=won");
        assertThat(callback.getResponse().getHeader("Cache-Control")).contains("no-store");
        Cookie refresh = callback.getResponse().getCookie(TestSessions.COOKIE);
        assertThat(refresh).isNotNull();
        assertThat(refresh.getValue()).isNotBlank();
        assertThat(setCookie(callback, ZohoSignInController.STATE_COOKIE)).contains("Max-Age=0");
        assertThat(jdbc.sql("select count(*) from user_session").query(Integer.class).single())
                .isEqualTo(sessionsBefore + 1);

        // The state is spent.
        assertThat(jdbc.sql("select count(*) from zoho_sign_in_state where state_hash = ?")
                .param(SignInStateStore.sha256(state)).query(Integer.class).single()).isZero();

        // The code was exchanged once, at this person's data centre, with the PKCE verifier.
        List<LoggedRequest> exchanges = ZohoStandIn.server().findAll(
                postRequestedFor(urlPathMatching("/.*/oauth/v2/token")).withFormParam("code", equalTo(code)));
        assertThat(exchanges).hasSize(1);
        LoggedRequest exchange = exchanges.get(0);
        assertThat(exchange.getUrl()).isEqualTo("/" + location + "/oauth/v2/token");
        assertThat(exchange.formParameter("grant_type").firstValue()).isEqualTo("authorization_code");
        assertThat(exchange.formParameter("redirect_uri").firstValue()).isEqualTo(REDIRECT_URI);
        assertThat(s256(exchange.formParameter("code_verifier").firstValue()))
                .isEqualTo(authorize.get("code_challenge"));
        ZohoStandIn.server().verify(getRequestedFor(urlPathEqualTo("/" + location + "/oauth/user/info")));
        ZohoStandIn.server().verify(getRequestedFor(urlPathEqualTo("/api/" + location + "/crm/v8/users"))
                .withQueryParam("type", equalTo("CurrentUser")));

        // 4. The user and their Zoho connection, tokens encrypted with the row id and API domain as context.
        UUID userId = jdbc.sql("select id from app_user where zoho_user_id = ? and email = ?").params(zuid, email)
                .query(UUID.class).single();
        Map<String, Object> connection = jdbc.sql("select * from zoho_connection where user_id = ?").param(userId)
                .query().singleRow();
        assertThat(connection)
                .containsEntry("zoho_user_id", zuid)
                .containsEntry("location", location)
                .containsEntry("accounts_server", ZohoStandIn.accountsServer(location))
                .containsEntry("api_domain", ZohoStandIn.baseUrl() + "/api/" + location)
                .containsEntry("scopes", SCOPES)
                .containsEntry("status", "CONNECTED");
        assertThat(instant(connection.get("access_token_expires_at")))
                .isBetween(Instant.now().plus(Duration.ofMinutes(59)),
                        Instant.now().plus(Duration.ofMinutes(61)));
        // Sealed with the row id and the API domain the tokens are sent to (ASVS 13.2.4/13.2.5).
        String context = ZohoConnectionRows.context((UUID) connection.get("id"), (String) connection.get("api_domain"));
        String accessCiphertext = (String) connection.get("access_token");
        String refreshCiphertext = (String) connection.get("refresh_token");
        for (String ciphertext : List.of(accessCiphertext, refreshCiphertext)) {
            assertThat(ciphertext).doesNotContain(marker).doesNotContain("1000.");
        }
        assertThat(cipher.decrypt(accessCiphertext, context)).matches("1000\\.[0-9a-f]{32}\\." + marker);
        assertThat(cipher.decrypt(refreshCiphertext, context)).matches("1000\\.[0-9a-f]{32}\\." + marker);
        assertThatThrownBy(() -> cipher.decrypt(refreshCiphertext, connection.get("id").toString()))
                .isInstanceOf(IllegalStateException.class);

        // 5. One audit event.
        List<SecurityEvent> signIns = signInEvents(events);
        assertThat(signIns).hasSize(1);
        assertThat(signIns.get(0).outcome()).isEqualTo("success");
        assertThat(signIns.get(0).userId()).isEqualTo(userId);
        assertThat(signIns.get(0).details()).containsEntry("dc", location);

        // 6. The SPA's side: the cookie buys an access token, which names this person; logout ends it all.
        MvcResult refreshed = mvc.perform(TestSessions.refresh(refresh.getValue())).andReturn();
        assertThat(refreshed.getResponse().getStatus()).isEqualTo(200);
        String rotated = TestSessions.cookieValue(refreshed);
        assertThat(rotated).isNotBlank().isNotEqualTo(refresh.getValue());
        String accessToken = JsonPath.read(refreshed.getResponse().getContentAsString(), "$.access_token");

        MvcResult me = mvc.perform(get("/api/auth/me").header("Authorization", "Bearer " + accessToken)).andReturn();
        assertThat(me.getResponse().getStatus()).isEqualTo(200);
        String profile = me.getResponse().getContentAsString();
        assertThat((String) JsonPath.read(profile, "$.email")).isEqualTo(email);
        assertThat((String) JsonPath.read(profile, "$.name")).isEqualTo(displayName);
        assertThat((String) JsonPath.read(profile, "$.region")).isEqualTo(region);
        assertThat((List<String>) JsonPath.read(profile, "$.roles")).containsExactly("viewer");

        MvcResult loggedOut = mvc.perform(TestSessions.logout(rotated)).andReturn();
        assertThat(loggedOut.getResponse().getStatus()).isEqualTo(204);
        assertThat(loggedOut.getResponse().getHeader("Set-Cookie")).startsWith(TestSessions.COOKIE + "=;")
                .contains("Max-Age=0");
        assertThat(mvc.perform(TestSessions.refresh(rotated)).andReturn().getResponse().getStatus()).isEqualTo(401);
        assertThat(mvc.perform(get("/api/auth/me").header("Authorization", "Bearer " + accessToken)).andReturn()
                .getResponse().getStatus()).isEqualTo(401);
    }

    /**
     * ASVS 10.4.x: the authorization request asks for exactly the configured scopes, and the client authenticates
     * to the token endpoint with its id and secret in the form ({@code client_secret_post}, as Zoho wants), never
     * in an Authorization header. The refresh grant: ZohoTokenManagerIntegrationTests.
     */
    @Test
    void theAuthorizationRequestAsksForTheConfiguredScopesAndTheCodeGrantAuthenticatesTheClient() throws Exception {
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");
        assertThat(SignInBrowser.query(browser.authorizationUrl()))
                .containsEntry("scope", "ZohoCRM.modules.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ,AaaServer.profile.READ")
                .containsEntry("client_id", ZohoStandIn.CLIENT_ID)
                .doesNotContainKey("client_secret");
        URI link = browser.link("user-jp-viewer");
        String code = SignInBrowser.query(link).get("code");

        assertThat(browser.callback(link).getResponse().getHeader("Location")).isEqualTo(SPA + "/");

        ZohoStandIn.server().verify(1, postRequestedFor(urlPathEqualTo("/jp/oauth/v2/token"))
                .withFormParam("grant_type", equalTo("authorization_code"))
                .withFormParam("code", equalTo(code))
                .withFormParam("client_id", equalTo(ZohoStandIn.CLIENT_ID))
                .withFormParam("client_secret", equalTo(ZohoStandIn.clientSecret()))
                .withoutHeader("Authorization"));
    }

    @Test
    void anotherSignInReplacesTheStoredRefreshTokenAndRevokesTheOldOneAtZoho() throws Exception {
        StoredTokens first = signInAs("us-manager");
        StoredTokens second = signInAs("us-manager");

        assertThat(second.connectionId()).isEqualTo(first.connectionId());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ZohoStandIn.server().verify(1,
                postRequestedFor(urlPathEqualTo("/us/oauth/v2/token/revoke"))
                        .withQueryParam("token", equalTo(first.refreshToken()))));
        ZohoStandIn.server().verify(0, postRequestedFor(urlPathEqualTo("/us/oauth/v2/token/revoke"))
                .withQueryParam("token", equalTo(second.refreshToken())));
    }

    @Test
    void aSignInAtAnotherDataCentreRevokesTheReplacedTokenWhereItWasIssued() throws Exception {
        StoredTokens atUs = signInAs("us-manager");
        // The same person's account now answers at the EU data centre (Zoho moved it).
        String marker = "0000000000000000000000000000a002";
        String access = "1000." + randomHex(16) + "." + marker;
        String refresh = "1000." + randomHex(16) + "." + marker;
        List<StubMapping> stubs = List.of(
                ZohoStandIn.server().stubFor(post(urlPathEqualTo("/eu/oauth/v2/token")).atPriority(1)
                        .withFormParam("code", matching("stub\\.us-manager\\..*"))
                        .willReturn(okJson("{\"access_token\":\"" + access + "\",\"refresh_token\":\"" + refresh
                                + "\",\"api_domain\":\"" + ZohoStandIn.baseUrl() + "/api/eu\",\"token_type\":\"Bearer\","
                                + "\"expires_in\":3600}"))),
                ZohoStandIn.server().stubFor(WireMock.get(urlPathEqualTo("/eu/oauth/user/info")).atPriority(1)
                        .withHeader("Authorization", equalTo("Zoho-oauthtoken " + access))
                        .willReturn(okJson("{\"ZUID\":9000000002,\"Email\":\"mia.manager@example.com\","
                                + "\"Display_Name\":\"Mia Manager\",\"First_Name\":\"Mia\",\"Last_Name\":\"Manager\"}"))),
                ZohoStandIn.server().stubFor(WireMock.get(urlPathEqualTo("/api/eu/crm/v8/users")).atPriority(1)
                        .withHeader("Authorization", equalTo("Zoho-oauthtoken " + access))
                        .willReturn(okJson("{\"users\":[{\"id\":\"7000000000000002\",\"zuid\":\"9000000002\","
                                + "\"email\":\"mia.manager@example.com\",\"full_name\":\"Mia Manager\","
                                + "\"country\":\"Germany\",\"locale\":\"de_DE\",\"status\":\"active\"}]}"))),
                ZohoStandIn.server().stubFor(WireMock.get(urlPathEqualTo("/api/eu/crm/v8/org")).atPriority(1)
                        .withHeader("Authorization", equalTo("Zoho-oauthtoken " + access))
                        .willReturn(okJson("{\"org\":[{\"id\":\"4000000000000001\"}]}"))));
        try {
            SignInBrowser browser = new SignInBrowser(mvc);
            browser.start("/");
            URI link = SignInBrowser.withParam(SignInBrowser.withParam(browser.link("user-us-manager"), "location", "eu"),
                    "accounts-server", ZohoStandIn.accountsServer("eu"));
            assertThat(browser.callback(link).getResponse().getHeader("Location")).isEqualTo(SPA + "/");

            assertThat(stored(atUs.userId()).refreshToken()).isEqualTo(refresh);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ZohoStandIn.server().verify(1,
                    postRequestedFor(urlPathEqualTo("/us/oauth/v2/token/revoke"))
                            .withQueryParam("token", equalTo(atUs.refreshToken()))));
            ZohoStandIn.server().verify(0, postRequestedFor(urlPathEqualTo("/eu/oauth/v2/token/revoke"))
                    .withQueryParam("token", equalTo(atUs.refreshToken())));
        } finally {
            stubs.forEach(ZohoStandIn.server()::removeStub);
        }
    }

    @Test
    void aRepeatGrantWithoutRefreshTokenKeepsTheStoredOne() throws Exception {
        StoredTokens before = signInAs("us-manager");
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");
        URI link = browser.link("user-us-manager");
        // What Zoho does on a repeat grant without offline consent: a code whose exchange has no refresh_token.
        URI online = SignInBrowser.withParam(link, "code",
                SignInBrowser.query(link).get("code").replace("stub.us-manager.", "stub.us-manager.online."));

        MvcResult callback = browser.callback(online);

        assertThat(callback.getResponse().getHeader("Location")).isEqualTo(SPA + "/");
        StoredTokens after = stored(before.userId());
        assertThat(after.refreshToken()).isEqualTo(before.refreshToken());
        assertThat(after.accessToken()).isNotEqualTo(before.accessToken());
        ZohoStandIn.server().verify(0, postRequestedFor(urlPathEqualTo("/us/oauth/v2/token/revoke"))
                .withQueryParam("token", equalTo(before.refreshToken())));
    }

    @Test
    void aFirstGrantWithoutRefreshTokenIsRefusedAndWritesNothing() throws Exception {
        RowCounts before = RowCounts.of(jdbc);
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");
        URI link = browser.link("user-jp-viewer");
        URI online = SignInBrowser.withParam(link, "code",
                SignInBrowser.query(link).get("code").replace("stub.jp-viewer.", "stub.jp-viewer.online."));

        MvcResult callback = browser.callback(online);

        assertSignInError(callback, "no_refresh_token");
        assertThat(RowCounts.of(jdbc)).isEqualTo(before);
        assertThat(jdbc.sql("select count(*) from app_user where zoho_user_id = '9000000006'").query(Integer.class)
                .single()).isZero();
    }

    @Test
    void declinedConsentLandsOnTheSignInErrorPage() throws Exception {
        RowCounts before = RowCounts.of(jdbc);
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");

        MvcResult callback = browser.callback(browser.link("deny"));

        assertSignInError(callback, "access_denied");
        assertThat(RowCounts.of(jdbc)).isEqualTo(before);
    }

    void assertSignInError(MvcResult callback, String reason) {
        assertThat(callback.getResponse().getStatus()).isEqualTo(302);
        assertThat(callback.getResponse().getHeader("Location")).isEqualTo(SPA + "/signin-error?reason=" + reason);
        assertThat(callback.getResponse().getHeader("Cache-Control")).contains("no-store");
        assertThat(callback.getResponse().getCookie(TestSessions.COOKIE)).isNull();
        List<SecurityEvent> signIns = signInEvents(events);
        assertThat(signIns).hasSize(1);
        assertThat(signIns.get(0).failed()).isTrue();
        assertThat(signIns.get(0).details()).containsEntry("reason", reason);
    }

    record StoredTokens(UUID userId, UUID connectionId, String accessToken, String refreshToken) {
    }

    private StoredTokens signInAs(String key) throws Exception {
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");
        MvcResult callback = browser.callback(browser.link("user-" + key));
        assertThat(callback.getResponse().getHeader("Location")).isEqualTo(SPA + "/");
        String zuid = ZUIDS.get(key);
        UUID userId = jdbc.sql("select id from app_user where zoho_user_id = ?").param(zuid).query(UUID.class)
                .single();
        return stored(userId);
    }

    private StoredTokens stored(UUID userId) {
        return jdbc.sql("select id, api_domain, access_token, refresh_token from zoho_connection where user_id = ?")
                .param(userId)
                .query((rs, n) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    String context = ZohoConnectionRows.context(id, rs.getString("api_domain"));
                    return new StoredTokens(userId, id,
                            cipher.decrypt(rs.getString("access_token"), context),
                            cipher.decrypt(rs.getString("refresh_token"), context));
                }).single();
    }

    /** RFC 7636 S256, computed here independently of the code under test: base64url(SHA-256(verifier)), no padding. */
    private static String s256(String verifier) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(com.pipelinepulse.crypto.Sha256.of(verifier));
    }

    private static Instant instant(Object timestamp) {
        return ((Timestamp) timestamp).toInstant();
    }

    private static String setCookie(MvcResult result, String name) {
        return result.getResponse().getHeaders("Set-Cookie").stream().filter(h -> h.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no Set-Cookie for " + name));
    }
}
