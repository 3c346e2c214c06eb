package com.pipelinepulse.zoho.accounts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.testsupport.ZohoStandIn;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The accounts client against the repository's stand-in (real wire format) and against failure modes. */
class HttpZohoAccountsTests {

    private static final String EU_MARKER = "0000000000000000000000000000a003";
    private static final URI REDIRECT = URI.create("https://api.example.com/api/zoho/auth/callback");

    private static WireMockServer faulty;

    private final ObjectMapper json = new ObjectMapper();
    private final ZohoDataCenter eu = dc("eu", ZohoStandIn.accountsServer("eu"));
    private final ZohoDataCenter us = dc("us", ZohoStandIn.accountsServer("us"));
    private ZohoAccounts accounts;

    @BeforeAll
    static void startFaultyServer() {
        faulty = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        faulty.start();
    }

    @AfterAll
    static void stopFaultyServer() {
        faulty.stop();
    }

    @BeforeEach
    void setUp() {
        faulty.resetAll();
        accounts = client(Duration.ofSeconds(5), "pp-test-client");
    }

    @Test
    void codeExchangeAtTheUsersDataCentreGivesTokensAndTheApiDomain() {
        ZohoTokens tokens = accounts.exchangeCode(eu, "stub.eu-viewer.abcDEF123", "verifier-value");

        assertThat(tokens.accessToken()).matches("1000\\.[0-9a-f]{32}\\." + EU_MARKER);
        assertThat(tokens.refreshToken()).matches("1000\\.[0-9a-f]{32}\\." + EU_MARKER);
        assertThat(tokens.apiDomain()).isEqualTo(URI.create(ZohoStandIn.baseUrl() + "/api/eu"));
        assertThat(tokens.expiresIn()).isEqualTo(Duration.ofHours(1));
        assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken());
        ZohoStandIn.server().verify(postRequestedFor(urlPathEqualTo("/eu/oauth/v2/token"))
                .withFormParam("grant_type", equalTo("authorization_code"))
                .withFormParam("code", equalTo("stub.eu-viewer.abcDEF123"))
                .withFormParam("code_verifier", equalTo("verifier-value"))
                .withFormParam("redirect_uri", equalTo(REDIRECT.toString()))
                .withFormParam("client_id", equalTo("pp-test-client")));
    }

    @Test
    void callsToZohoUseHttp11EvenWhereTheServerOffersHttp2() {
        // The stand-in accepts HTTP/2 over plain http (h2c): an unpinned client upgrades after its first request.
        ZohoTokens tokens = accounts.exchangeCode(eu, "stub.eu-viewer.protocolCheck1", "verifier-value");
        for (int i = 0; i < 3; i++) {
            accounts.userInfo(eu, tokens.accessToken());
        }
        assertThat(ZohoStandIn.server().findAll(getRequestedFor(urlPathEqualTo("/eu/oauth/user/info"))
                .withHeader("Authorization", equalTo("Zoho-oauthtoken " + tokens.accessToken()))))
                .hasSize(3).allSatisfy(request -> assertThat(request.getProtocol()).isEqualTo("HTTP/1.1"));
    }

    @Test
    void zohosHttp200ErrorBodyIsAnError() {
        // The stand-in answers a code of another data centre the way Zoho does: 200 {"error":"invalid_code"}.
        assertThatThrownBy(() -> accounts.exchangeCode(us, "stub.eu-viewer.abcDEF123", null))
                .isInstanceOfSatisfying(ZohoAccountsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
                    assertThat(e.zohoError()).isEqualTo("invalid_code");
                    assertThat(e.retryable()).isFalse();
                });
        assertThatThrownBy(() -> client(Duration.ofSeconds(5), "stand-in-wrong-client")
                .exchangeCode(eu, "stub.eu-viewer.abcDEF123", null))
                .isInstanceOfSatisfying(ZohoAccountsException.class,
                        e -> assertThat(e.zohoError()).isEqualTo("invalid_client"));
    }

    @Test
    void refreshUserInfoAndRevokeSpeakZohosFormat() {
        ZohoTokens first = accounts.exchangeCode(eu, "stub.eu-viewer.abcDEF123", null);

        ZohoTokens refreshed = accounts.refresh(eu, first.refreshToken());
        assertThat(refreshed.accessToken()).matches("1000\\.[0-9a-f]{32}\\." + EU_MARKER);
        assertThat(refreshed.hasRefreshToken()).isFalse();

        ZohoUserInfo info = accounts.userInfo(eu, refreshed.accessToken());
        assertThat(info).isEqualTo(new ZohoUserInfo("9000000003", "erik.viewer@example.com", "Erik Viewer", "Erik",
                "Viewer"));
        assertThatThrownBy(() -> accounts.userInfo(us, refreshed.accessToken()))
                .isInstanceOfSatisfying(ZohoAccountsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
                    assertThat(e.zohoError()).isEqualTo("INVALID_OAUTHTOKEN");
                });

        accounts.revoke(eu, first.refreshToken());
        ZohoStandIn.server().verify(postRequestedFor(urlPathEqualTo("/eu/oauth/v2/token/revoke"))
                .withQueryParam("token", equalTo(first.refreshToken())));
    }

    @Test
    void throttlingIsRecognisedAndNotRetryable() {
        faulty.stubFor(post(urlPathEqualTo("/us/oauth/v2/token")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"Access Denied\",\"error_description\":\"You have made too many requests "
                        + "continuously. Please try again after some time.\",\"status\":\"failure\"}")));

        assertThatThrownBy(() -> accounts.refresh(dc("us", faulty.baseUrl() + "/us"), "r"))
                .isInstanceOfSatisfying(ZohoAccountsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void serverErrorsAndGarbageAreUnavailableAndRetryable() {
        faulty.stubFor(post(urlPathEqualTo("/a/oauth/v2/token")).willReturn(aResponse().withStatus(503)));
        faulty.stubFor(post(urlPathEqualTo("/b/oauth/v2/token")).willReturn(aResponse().withStatus(200)
                .withBody("<html>maintenance</html>")));

        for (String location : new String[] {"a", "b"}) {
            assertThatThrownBy(() -> accounts.refresh(dc(location, faulty.baseUrl() + "/" + location), "r"))
                    .isInstanceOfSatisfying(ZohoAccountsException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                        assertThat(e.retryable()).isTrue();
                    });
        }
    }

    @Test
    void anApiDomainOfAnotherSchemeIsNotTrusted() {
        faulty.stubFor(post(urlPathEqualTo("/us/oauth/v2/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"a\",\"refresh_token\":\"r\",\"api_domain\":\"ftp://files.example\","
                        + "\"token_type\":\"Bearer\",\"expires_in\":3600}")));

        assertThatThrownBy(() -> accounts.exchangeCode(dc("us", faulty.baseUrl() + "/us"), "c", null))
                .isInstanceOfSatisfying(ZohoAccountsException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void aSlowAccountsServerIsCutOffAtTheCallTimeout() {
        assertACodeExchangeIsCutOffAfter300Ms(aResponse().withStatus(200).withFixedDelay(1_500).withBody("{}"));
    }

    @Test
    void anAnswerWhoseBodyTricklesInIsCutOffAtTheCallTimeout() {
        // The headers come at once; the body's five pieces take 1.5 s: the budget covers the whole exchange.
        assertACodeExchangeIsCutOffAfter300Ms(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"1000.abc\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                .withChunkedDribbleDelay(5, 1_500));
    }

    /** A code exchange with a call budget of 300 ms against an answer that takes 1.5 s fails well before 1.5 s. */
    private void assertACodeExchangeIsCutOffAfter300Ms(ResponseDefinitionBuilder slowAnswer) {
        faulty.stubFor(post(urlPathEqualTo("/us/oauth/v2/token")).willReturn(slowAnswer));
        ZohoAccounts impatient = client(Duration.ofMillis(300), "pp-test-client");

        long started = System.nanoTime();
        assertThatThrownBy(() -> impatient.exchangeCode(dc("us", faulty.baseUrl() + "/us"), "c", null))
                .isInstanceOfSatisfying(ZohoAccountsException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_400));
    }

    @Test
    void aCallToZohoStartsNoThreadOfItsOwn() {
        // Spring's JDK request factory started two threads per code exchange on a two-CPU machine (the JDK's
        // completion of sendAsync on a new thread, the form body written from another), one on larger machines.
        accounts.exchangeCode(eu, "stub.eu-viewer.abcDEF123", "verifier-value");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();

        for (int i = 0; i < 20; i++) {
            assertThat(accounts.exchangeCode(eu, "stub.eu-viewer.abcDEF123", "verifier-value").accessToken())
                    .isNotBlank();
        }

        assertThat(threads.getTotalStartedThreadCount() - before).as("threads started by 20 exchanges")
                .isLessThan(5);
    }

    @Test
    void anUnreachableAccountsServerIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> accounts.refresh(dc("us", "http://127.0.0.1:" + closedPort + "/us"), "r"))
                .isInstanceOfSatisfying(ZohoAccountsException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    private ZohoAccounts client(Duration callTimeout, String clientId) {
        Secrets secrets = name -> Optional.of(name == SecretName.ZOHO_CLIENT_ID ? clientId : "test-client-secret");
        ZohoDataCenters table = ZohoDataCenters.of(ZohoStandIn.dataCentersSetting());
        return new HttpZohoAccounts(new ZohoHttp(json, Duration.ofSeconds(2), callTimeout), json,
                new ZohoClientRegistrations(table, secrets, REDIRECT, List.of("ZohoCRM.modules.ALL")), table);
    }

    private static ZohoDataCenter dc(String location, String server) {
        return new ZohoDataCenter(location, URI.create(server));
    }
}
