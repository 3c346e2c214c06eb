package com.pipelinepulse.zoho.signin;

import static com.pipelinepulse.testsupport.TestText.randomHex;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.LogCanaries;
import com.pipelinepulse.testsupport.TestKeys;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoStandIn;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.accounts.ZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import com.pipelinepulse.zoho.accounts.ZohoTokens;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import jakarta.servlet.http.Cookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Issue 6, acceptance 2: the end-to-end log canary. The running application, logging exactly as the default
 * (production, JSON) configuration does, is given canary values as its secrets (Zoho client secret, JWT and
 * encryption key rings), signs a person with a canary email in through the Zoho stand-in, refreshes, reads
 * {@code /me}, logs out, and then walks every refused callback, a bogus refresh cookie, rejected JWTs, a 429 and
 * an unhandled error. Every value that passed by (codes, states, the browser binding, the PKCE verifier, the Zoho
 * tokens the stand-in issued, refresh cookies, access tokens) becomes a canary too. Everything the JVM printed from
 * before the context started until the end is captured; no canary and no full email may appear in it.
 *
 * <p>One class, one method, one application context: the capture starts in {@code beforeAll}, before this context
 * (used by no other class) starts, so start-up logging is covered as well.
 *
 * <p>Zoho token refresh: {@link #zohoTokenRefresh(SignedIn, Session)} forces a refresh through the token manager
 * over HTTP and drives the refresh grant (accepted and refused) through the application's {@link ZohoAccounts}.
 */
@IntegrationTest
@ContextConfiguration(initializers = EndToEndLogCanaryIntegrationTests.CanarySettings.class)
@Import(EndToEndLogCanaryIntegrationTests.UnhandledErrorProbe.class)
@ExtendWith(OutputCaptureExtension.class)
// No other class shares this context: close it afterwards so its pool does not hold database connections.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EndToEndLogCanaryIntegrationTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Generated per JVM before the context starts, so the context is given canaries as its secrets. */
    static final LogCanaries CANARIES = new LogCanaries();

    static final String CLIENT_SECRET = CANARIES.add("zoho client secret", randomHex(21));
    static final String JWT_KEY_ACTIVE = CANARIES.add("jwt signing key", TestKeys.randomBase64Url(32));
    static final String JWT_KEY_PREVIOUS = CANARIES.add("previous jwt key", TestKeys.randomBase64Url(32));
    static final String ENCRYPTION_KEY = CANARIES.add("encryption key", TestKeys.randomBase64Url(32));
    static final String ENCRYPTION_KEY_PREVIOUS = CANARIES.add("previous encryption key",
            TestKeys.randomBase64Url(32));
    static final String JWT_KID = "canaryjwt2";
    static final String ENCRYPTION_KID = "canaryenc2";

    /** The signed-in person: the stand-in's in-viewer, answering user info and CRM with a canary email. */
    static final String EMAIL = CANARIES.emails().get(0);
    static final String ZUID = "91" + (100000000L + RANDOM.nextInt(899999999));
    static final String MARKER = "0000000000000000000000000000a004";

    /** The sign-in bucket per client address; every browser below has an address of its own. */
    static final int SIGN_IN_CAPACITY = 3;

    private static final String SPA = "https://app.example.com";
    private static final Pattern ZOHO_TOKEN = Pattern.compile("1000\\.[0-9a-f]{32}\\.[0-9a-f]{32}");
    private static final AtomicInteger ADDRESSES = new AtomicInteger(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Points the application at the stand-in and gives it the canary secrets and a tiny sign-in limit. */
    static final class CanarySettings implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            ZohoStandIn.server();
            TestPropertyValues.of(
                    "pipelinepulse.zoho.accounts-url=" + ZohoStandIn.baseUrl(),
                    "pipelinepulse.zoho.data-centers=" + ZohoStandIn.dataCentersSetting(),
                    "PP_ZOHO_CLIENT_ID=" + ZohoStandIn.CLIENT_ID,
                    "PP_ZOHO_CLIENT_SECRET=" + CLIENT_SECRET,
                    "PP_JWT_KEYS=" + JWT_KID + ":" + JWT_KEY_ACTIVE + ",canaryjwt1:" + JWT_KEY_PREVIOUS,
                    "PP_ENCRYPTION_KEYS=" + ENCRYPTION_KID + ":" + ENCRYPTION_KEY + ",canaryenc1:"
                            + ENCRYPTION_KEY_PREVIOUS,
                    "pipelinepulse.ratelimit.sign-in.capacity=" + SIGN_IN_CAPACITY,
                    "pipelinepulse.ratelimit.sign-in.refill-tokens=" + SIGN_IN_CAPACITY,
                    "pipelinepulse.ratelimit.sign-in.refill-period=1h").applyTo(context);
        }
    }

    /**
     * An endpoint that fails the way a bug would: no production route reaches the generic 500 handler on purpose,
     * so this one throws an exception whose message carries canaries of every shape masking knows.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class UnhandledErrorProbe {

        static final String PATH = "/canary-probe/explode/";

        /** Registered as a member of this configuration, and only in this test's context. */
        @RestController
        static class ExplodingController {
            @GetMapping(PATH + "{who}")
            String explode(@PathVariable String who) {
                throw new IllegalStateException("Zoho rejected " + CANARIES.zohoAccessToken() + " for " + who
                        + " (client_secret=" + CLIENT_SECRET + ", Authorization: Bearer "
                        + CANARIES.bearerCredential() + ", key " + CANARIES.awsAccessKey() + ", session "
                        + CANARIES.jwt() + ")");
            }
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ZohoAccounts accounts;

    @Autowired
    ZohoDataCenters dataCenters;

    @Autowired
    ReplacedTokenRevoker revoker;

    @LocalServerPort
    int port;

    private final ObjectMapper json = new ObjectMapper();
    private final List<StubMapping> stubs = new ArrayList<>();

    @Test
    void noCanaryAndNoFullEmailReachesTheLogs(CapturedOutput output) throws Exception {
        try {
            personWithCanaryEmail();

            signIn();
            SignedIn second = signIn();  // replaces the stored Zoho refresh token: the first is revoked at Zoho
            Session session = refreshMeAndCheckTheKeys(second);
            zohoTokenRefresh(second, session);
            logoutAndBeRefused(second, session);

            refusedCallbacks();
            bogusRefreshCookie(second);
            rejectedJwts();
            rateLimited();
            unhandledError(session.accessToken());

            await().atMost(Duration.ofSeconds(10)).until(revoker::idle);
            harvestEverythingTheStandInSawAndIssued();
        } finally {
            stubs.forEach(ZohoStandIn.server()::removeStub);
        }

        String out = output.getOut();
        List<JsonNode> lines = LogCanaries.assertEveryLineIsJson(out);
        List<String> messages = lines.stream().map(line -> line.path("message").asText()).toList();
        // The capture covers the context start, and the paths under test did log (so the scan is not vacuous).
        assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("Started EndToEndLogCanaryIntegrationTests"));
        assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("Zoho sign-in completed for user"));
        assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("Zoho sign-in refused"));
        assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("Revoked a Zoho refresh token"));
        assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("Rate limit reached on sign-in"));
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.path("message").asText()).startsWith("Unhandled error on GET " + UnhandledErrorProbe.PATH);
            assertThat(line.path("stack_trace").asText()).contains("IllegalStateException: Zoho rejected 1000.");
        });
        CANARIES.assertNoLeakIn(out);
        CANARIES.assertNoLeakIn(output.getErr());
        // And the audit trail, written from the same flows, holds none either.
        CANARIES.assertNoLeakIn(String.join("\n", jdbc.sql(
                "select coalesce(subject, '') || ' ' || coalesce(details::text, '') from security_audit_event")
                .query(String.class).list()));
    }

    // ---- the person -------------------------------------------------------------------------------------------

    /** The stand-in's in-viewer, but Zoho's user info and CRM name them with the canary email and a fresh ZUID. */
    private void personWithCanaryEmail() {
        String credential = "Zoho-oauthtoken 1000\\.[0-9a-f]{32}\\." + MARKER;
        stub(WireMock.get(urlPathEqualTo("/in/oauth/user/info")).atPriority(1)
                .withHeader("Authorization", matching(credential))
                .willReturn(okJson("{\"ZUID\":" + ZUID + ",\"Email\":\"" + EMAIL + "\",\"Display_Name\":\"Canary "
                        + "Person\",\"First_Name\":\"Canary\",\"Last_Name\":\"Person\"}")));
        stub(WireMock.get(urlPathEqualTo("/api/in/crm/v8/users")).atPriority(1)
                .withQueryParam("type", equalTo("CurrentUser"))
                .withHeader("Authorization", matching(credential))
                .willReturn(okJson("{\"users\":[{\"id\":\"7000000000000099\",\"zuid\":\"" + ZUID + "\",\"email\":\""
                        + EMAIL + "\",\"full_name\":\"Canary Person\",\"country\":\"India\",\"locale\":\"en_IN\","
                        + "\"status\":\"active\"}],\"info\":{\"more_records\":false}}")));
    }

    record SignedIn(String refreshCookie, String zohoRefreshToken) {
    }

    /** Start, the stand-in's page, the callback: every value on the way becomes a canary. */
    private SignedIn signIn() throws Exception {
        SignInBrowser browser = browser();
        browser.start("/pipeline?from=canary");
        URI link = canariesOf(browser, browser.link("user-in-viewer"));

        MvcResult callback = browser.callback(link);

        assertThat(callback.getResponse().getHeader("Location")).isEqualTo(SPA + "/pipeline?from=canary");
        String cookie = CANARIES.add("refresh cookie " + link, TestSessions.cookieValue(callback));
        assertThat(cookie).isNotBlank();
        Map<String, String> issued = tokensIssuedFor(SignInBrowser.query(link).get("code"));
        assertThat(issued.get("refresh_token")).matches(ZOHO_TOKEN);
        // The stored tokens are encrypted under the canary encryption ring.
        String stored = jdbc.sql("select c.refresh_token from zoho_connection c join app_user u on u.id = c.user_id "
                + "where u.zoho_user_id = ?").param(ZUID).query(String.class).single();
        assertThat(stored).startsWith("v1." + ENCRYPTION_KID + ".");
        return new SignedIn(cookie, issued.get("refresh_token"));
    }

    record Session(String refreshCookie, String accessToken) {
    }

    /** Refresh (cookie rotates, access token issued with the canary key), then {@code /me}. */
    private Session refreshMeAndCheckTheKeys(SignedIn person) throws Exception {
        MvcResult refreshed = mvc.perform(TestSessions.refresh(person.refreshCookie())).andReturn();
        assertThat(refreshed.getResponse().getStatus()).isEqualTo(200);
        String rotated = CANARIES.add("rotated refresh cookie", TestSessions.cookieValue(refreshed));
        String access = CANARIES.add("access token",
                JsonPath.read(refreshed.getResponse().getContentAsString(), "$.access_token"));

        Jws<Claims> verified = Jwts.parser()
                .verifyWith(Keys.hmacShaKeyFor(Base64.getUrlDecoder().decode(JWT_KEY_ACTIVE))).build()
                .parseSignedClaims(access);
        assertThat(verified.getHeader().getKeyId()).isEqualTo(JWT_KID);
        assertThat(verified.getPayload().getSubject()).isEqualTo(EMAIL);

        MvcResult me = mvc.perform(get("/api/auth/me").header("Authorization", "Bearer " + access)).andReturn();
        assertThat(me.getResponse().getStatus()).isEqualTo(200);
        assertThat((String) JsonPath.read(me.getResponse().getContentAsString(), "$.email")).isEqualTo(EMAIL);
        return new Session(rotated, access);
    }

    /**
     * The Zoho token refresh, with the stored refresh token and a rejected one. Extension point for the token
     * manager (issue 5): main has only the accounts client's refresh grant, driven here as the manager will drive
     * it; the manager's own paths (forced refresh over HTTP, refresh on expiry, marking a connection
     * {@code REAUTH_REQUIRED}) belong in this method when they land.
     */
    private void zohoTokenRefresh(SignedIn person, Session session) throws Exception {
        // The token manager's forced refresh over HTTP, then the connection status it reports.
        assertThat(mvc.perform(post("/api/zoho/refresh").header("Authorization", "Bearer " + session.accessToken()))
                .andReturn().getResponse().getStatus()).isEqualTo(200);
        assertThat(mvc.perform(get("/api/zoho/connection").header("Authorization", "Bearer " + session.accessToken()))
                .andReturn().getResponse().getStatus()).isEqualTo(200);

        ZohoDataCenter india = dataCenters.byLocation("in").orElseThrow();

        ZohoTokens fresh = accounts.refresh(india, person.zohoRefreshToken());
        CANARIES.add("zoho access token from refresh", fresh.accessToken());
        assertThat(fresh.accessToken()).matches(ZOHO_TOKEN).endsWith(MARKER);

        assertThatThrownBy(() -> accounts.refresh(india, CANARIES.zohoRefreshToken()))
                .isInstanceOf(ZohoAccountsException.class)
                .satisfies(e -> assertThat(((ZohoAccountsException) e).zohoError()).isEqualTo("invalid_code"));
    }

    /** Logout with the rotated cookie; then that cookie, the one before it and the access token are refused. */
    private void logoutAndBeRefused(SignedIn person, Session session) throws Exception {
        assertThat(mvc.perform(TestSessions.logout(session.refreshCookie())).andReturn().getResponse().getStatus())
                .isIn(200, 204);
        for (String cookie : List.of(session.refreshCookie(), person.refreshCookie())) {
            assertThat(mvc.perform(TestSessions.refresh(cookie)).andReturn().getResponse().getStatus())
                    .isEqualTo(401);
        }
        assertThat(mvc.perform(get("/api/auth/me").header("Authorization", "Bearer " + session.accessToken()))
                .andReturn().getResponse().getStatus()).isEqualTo(401);
    }

    // ---- refused callbacks ------------------------------------------------------------------------------------

    private void refusedCallbacks() throws Exception {
        SignInBrowser missing = started();
        assertRefused(missing.callback(SignInBrowser.withParam(canariesOf(missing, missing.link("user-in-viewer")),
                "state", null)), "invalid_state");

        SignInBrowser unknown = started();
        assertRefused(unknown.callback(SignInBrowser.withParam(canariesOf(unknown, unknown.link("user-in-viewer")),
                "state", CANARIES.state())), "invalid_state");

        SignInBrowser replay = started();
        URI replayed = canariesOf(replay, replay.link("user-in-viewer"));
        assertThat(replay.callback(replayed).getResponse().getHeader("Location")).isEqualTo(SPA + "/");
        assertRefused(replay.callback(replayed), "invalid_state");

        SignInBrowser late = started();
        URI expired = canariesOf(late, late.link("user-in-viewer"));
        jdbc.sql("update zoho_sign_in_state set expires_at = now() - interval '1 second' where state_hash = ?")
                .param(SignInStateStore.sha256(SignInBrowser.query(expired).get("state"))).update();
        assertRefused(late.callback(expired), "state_expired");

        SignInBrowser foreign = started();
        URI mixUp = canariesOf(foreign, foreign.link("user-in-viewer"));
        assertRefused(foreign.callback(SignInBrowser.withParam(mixUp, "accounts-server",
                "https://accounts.evil.example/in?token=" + CANARIES.zohoRefreshToken())), "unknown_data_center");

        SignInBrowser stranger = started();
        URI stolen = canariesOf(stranger, stranger.link("user-in-viewer"));
        assertRefused(stranger.callback(stolen, new Cookie(ZohoSignInController.STATE_COOKIE,
                CANARIES.plain("forged binding cookie"))), "foreign_browser");

        SignInBrowser badCode = started();
        assertRefused(badCode.callback(SignInBrowser.withParam(canariesOf(badCode, badCode.link("user-in-viewer")),
                "code", CANARIES.authorizationCode())), "code_exchange_failed");

        SignInBrowser declined = started();
        assertRefused(declined.callback(canariesOf(declined, declined.link("deny"))), "access_denied");

        // Zoho answers user info with something that is not JSON, quoting secrets: the sign-in fails cleanly.
        stub(WireMock.get(urlPathEqualTo("/au/oauth/user/info")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Email\": " + CANARIES.emails().get(1) + ", token " + CANARIES.zohoAccessToken()
                                + " <html>")));
        SignInBrowser garbage = started();
        URI link = canariesOf(garbage, garbage.link("user-au-viewer"));
        assertRefused(garbage.callback(link), "zoho_unavailable");
        assertThat(tokensIssuedFor(SignInBrowser.query(link).get("code"))).containsKey("refresh_token");
    }

    private void assertRefused(MvcResult callback, String reason) {
        assertThat(callback.getResponse().getStatus()).isEqualTo(302);
        assertThat(callback.getResponse().getHeader("Location")).isEqualTo(SPA + "/signin-error?reason=" + reason);
        assertThat(callback.getResponse().getCookie(TestSessions.COOKIE)).isNull();
    }

    // ---- refusals outside sign-in -------------------------------------------------------------------------------

    /** Over real HTTP (Tomcat and its error handling included): a refresh cookie nobody issued, then a logged-out one. */
    private void bogusRefreshCookie(SignedIn loggedOut) throws Exception {
        for (String cookie : List.of(CANARIES.refreshToken(), loggedOut.refreshCookie())) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(api("/api/auth/refresh"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .header("Cookie", TestSessions.COOKIE + "=" + cookie)
                    .header("X-Requested-With", "pipeline-pulse")
                    .header("Origin", TestSessions.SPA_ORIGIN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            CANARIES.assertNoLeakIn(response.body());
        }
    }

    /** A forged token, and a well-formed one under a kid outside the ring. */
    private void rejectedJwts() throws Exception {
        String foreignKey = Jwts.builder().header().type("at+jwt").keyId("canary-unknown").and()
                .subject(CANARIES.emails().get(1)).signWith(Keys.hmacShaKeyFor(new byte[32]), Jwts.SIG.HS256)
                .compact();
        CANARIES.add("jwt under an unknown kid", foreignKey);
        for (String token : List.of(CANARIES.jwt(), foreignKey)) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(api("/api/auth/me"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
        }
    }

    /** A browser over the sign-in limit: its callback, carrying code, state and cookies, is refused with 429. */
    private void rateLimited() throws Exception {
        SignInBrowser greedy = browser();
        for (int i = 0; i < SIGN_IN_CAPACITY; i++) {
            greedy.start("/");
        }
        URI link = canariesOf(greedy, greedy.link("user-in-viewer"));
        MvcResult refused = greedy.callback(SignInBrowser.withParam(link, "state", CANARIES.state()));
        assertThat(refused.getResponse().getStatus()).isEqualTo(429);
        assertThat(refused.getResponse().getHeader("Retry-After")).isNotBlank();
    }

    /** The generic 500 handler, over real HTTP, with canaries in the path, the query, the headers and the message. */
    private void unhandledError(String access) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(api(UnhandledErrorProbe.PATH + EMAIL
                        + "?code=" + CANARIES.authorizationCode() + "&client_secret=" + CLIENT_SECRET))
                .header("Authorization", "Bearer " + access)
                .header("Cookie", TestSessions.COOKIE + "=" + CANARIES.refreshToken())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(500);
        // The problem names the caller's own path (instance), but nothing of the exception's message.
        assertThat(response.body()).contains("urn:pipeline-pulse:problem:internal-error")
                .doesNotContain(CANARIES.zohoAccessToken(), CLIENT_SECRET, CANARIES.bearerCredential(),
                        CANARIES.awsAccessKey(), CANARIES.jwt(), "Zoho rejected");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** A browser with a client address of its own, so that only {@link #rateLimited()} exhausts a bucket. */
    private SignInBrowser browser() {
        return new SignInBrowser(mvc, "192.0.2." + ADDRESSES.incrementAndGet());
    }

    private SignInBrowser started() throws Exception {
        SignInBrowser browser = browser();
        browser.start("/");
        return browser;
    }

    /** Registers the browser's binding cookie and the link's code and state as canaries; returns the link. */
    private static URI canariesOf(SignInBrowser browser, URI link) {
        CANARIES.add("binding cookie " + browser.stateCookie().getValue(), browser.stateCookie().getValue());
        Map<String, String> params = SignInBrowser.query(link);
        for (String name : List.of("code", "state")) {
            if (params.get(name) != null) {
                CANARIES.add(name + " " + params.get(name), params.get(name));
            }
        }
        return link;
    }

    /**
     * The tokens the stand-in issued in its answer to the exchange of {@code code}, read from its request journal;
     * they become canaries.
     */
    private Map<String, String> tokensIssuedFor(String code) {
        for (ServeEvent event : ZohoStandIn.server().getAllServeEvents()) {  // newest first
            LoggedRequest request = event.getRequest();
            if (!request.getUrl().endsWith("/oauth/v2/token") || !request.getBodyAsString().contains("code=")) {
                continue;
            }
            String sent = request.formParameter("code").firstValue();
            if (!code.equals(sent)) {
                continue;
            }
            JsonNode body = parse(event.getResponse());
            Map<String, String> tokens = new java.util.HashMap<>();
            for (String field : List.of("access_token", "refresh_token")) {
                if (body.hasNonNull(field)) {
                    tokens.put(field, CANARIES.add("zoho " + field + " " + body.get(field).asText(),
                            body.get(field).asText()));
                }
            }
            return tokens;
        }
        throw new AssertionError("the stand-in saw no exchange of that code");
    }

    /**
     * Everything secret the stand-in received or answered while this test ran: client secret, codes, PKCE
     * verifiers, refresh tokens presented, tokens to revoke, and every Zoho token it issued.
     */
    private void harvestEverythingTheStandInSawAndIssued() {
        boolean sawOurSecret = false;
        for (ServeEvent event : ZohoStandIn.server().getAllServeEvents()) {
            LoggedRequest request = event.getRequest();
            String form = request.getBodyAsString();
            if (form != null && form.contains("=")) {
                for (String name : List.of("client_secret", "code", "code_verifier", "refresh_token")) {
                    if (form.contains(name + "=")) {
                        String value = request.formParameter(name).firstValue();
                        harvest("stand-in saw " + name, value);
                        sawOurSecret |= name.equals("client_secret") && CLIENT_SECRET.equals(value);
                    }
                }
            }
            if (request.queryParameter("token").isPresent()) {
                harvest("revoked", request.queryParameter("token").firstValue());
            }
            Matcher issued = ZOHO_TOKEN.matcher(event.getResponse().getBodyAsString());
            while (issued.find()) {
                CANARIES.add("issued " + issued.group(), issued.group());
            }
        }
        assertThat(sawOurSecret).as("the application sent the canary client secret to Zoho").isTrue();
    }

    /**
     * The journal is the JVM's (other classes' requests too); a value too short to be a secret would match by
     * chance, so only real-sized ones count.
     */
    private static void harvest(String what, String value) {
        if (value != null && value.length() >= 16) {
            CANARIES.add(what + " " + value, value);
        }
    }

    private JsonNode parse(LoggedResponse response) {
        try {
            return json.readTree(response.getBodyAsString());
        } catch (Exception e) {
            throw new AssertionError("stand-in answer is not JSON", e);
        }
    }

    private void stub(com.github.tomakehurst.wiremock.client.MappingBuilder mapping) {
        stubs.add(ZohoStandIn.server().stubFor(mapping));
    }

    private URI api(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
