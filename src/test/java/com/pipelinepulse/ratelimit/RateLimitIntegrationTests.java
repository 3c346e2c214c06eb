package com.pipelinepulse.ratelimit;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.pipelinepulse.ratelimit.SignInAttempt.from;
import static com.pipelinepulse.ratelimit.SignInAttempt.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoStandIn;
import com.pipelinepulse.zoho.ZohoTokenProperties;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.context.WebApplicationContext;

/**
 * Per-address limits on the real sign-in endpoints and per-user limits on the real admin writes, Zoho connection
 * tests and forced Zoho refreshes: 429 problem+json with Retry-After, an event, a metric, and no work done (no
 * Zoho call). Limits here: sign-in 3, admin-writes 2, zoho-connection-test 2, zoho-refresh 2.
 */
@RateLimitTestContext
class RateLimitIntegrationTests {

    private static final String SPA = "https://app.example.com";

    @Autowired
    MockMvc mvc;

    @Autowired
    ApplicationEvents events;

    @Autowired
    MeterRegistry meters;

    @Autowired
    FilterChainProxy securityFilters;

    @Autowired
    WebApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    UserDirectory users;

    @Autowired
    SessionOpener opener;

    @Autowired
    TokenCipher cipher;

    @Autowired
    RateLimitProperties rateLimits;

    @Autowired
    ZohoTokenProperties zohoTokens;

    TestSessions sessions;

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
    }

    @Test
    void signInOverTheLimitIs429WithRetryAfterAndZohoReceivesNoCall() throws Exception {
        String client = "198.51.100.10";
        double rejectedBefore = rejections("sign-in");
        new SignInAttempt(mvc).startFrom(client);
        new SignInAttempt(mvc).startFrom(client);
        // The third start takes the last token; the person then picks their account on Zoho's page.
        SignInAttempt browser = new SignInAttempt(mvc).startFrom(client);
        URI callback = browser.pick("us-manager");
        String code = SignInAttempt.queryParam(callback, "code");
        RowCounts rowsBefore = RowCounts.of(jdbc);
        int zohoCallsBefore = zohoCalls();

        // Zoho's redirect back carries a good code and state, but this address has no token left.
        expectTooManyRequests(browser.callbackFrom(callback, client));

        assertThat(zohoCalls()).as("requests the stand-in received").isEqualTo(zohoCallsBefore);
        ZohoStandIn.server().verify(0, exchangeOf(code));
        assertThat(RowCounts.of(jdbc)).as("users, connections, sessions").isEqualTo(rowsBefore);
        assertThat(rejections("sign-in")).isEqualTo(rejectedBefore + 1);
        assertThat(rateLimited())
                .filteredOn(e -> ("ip:" + client).equals(e.subject()))
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("endpoint", "sign-in")
                        .containsEntry("reason", "rate_limit"));

        // The refused callback was a good one: the same browser, from an address with tokens left, signs in,
        // and only then is the code exchanged (once).
        browser.callbackFrom(callback, "198.51.100.12")
                .andExpect(status().isFound())
                .andExpect(header().string(HttpHeaders.LOCATION, SPA + "/"));
        ZohoStandIn.server().verify(1, exchangeOf(code));
        assertThat(RowCounts.of(jdbc).sessions()).isEqualTo(rowsBefore.sessions() + 1);
    }

    @Test
    void callbackSharesTheSignInBucket() throws Exception {
        String client = "198.51.100.11";
        new SignInAttempt(mvc).startFrom(client);
        SignInAttempt browser = new SignInAttempt(mvc).startFrom(client);
        browser.callbackFrom(browser.pick("eu-viewer"), client)
                .andExpect(status().isFound())
                .andExpect(header().string(HttpHeaders.LOCATION, SPA + "/"));
        expectTooManyRequests(mvc.perform(start().with(from(client))));
    }

    @Test
    void forgedForwardedForFromAnUntrustedAddressLandsInTheSocketAddressBucket() throws Exception {
        String untrusted = "198.51.100.20";
        for (int i = 1; i <= 3; i++) {
            mvc.perform(start().with(from(untrusted)).header("X-Forwarded-For", "203.0.113." + i))
                    .andExpect(status().isFound());
        }
        // A fourth invented address does not buy a fresh bucket: the socket address's bucket is empty.
        expectTooManyRequests(mvc.perform(start().with(from(untrusted)).header("X-Forwarded-For", "203.0.113.4")));
        assertThat(rateLimited()).extracting(SecurityEvent::subject).containsExactly("ip:" + untrusted);
        // And the addresses it named were not charged: the first of them, arriving through a real proxy, has all
        // its tokens.
        for (int i = 0; i < 3; i++) {
            mvc.perform(start().with(from("10.0.0.7")).header("X-Forwarded-For", "203.0.113.1"))
                    .andExpect(status().isFound());
        }
    }

    @Test
    void forwardedForFromATrustedProxyIsHonoured() throws Exception {
        for (int i = 0; i < 3; i++) {
            mvc.perform(start().with(from("10.0.0.5")).header("X-Forwarded-For", "1.1.1.1, 203.0.113.70"))
                    .andExpect(status().isFound());
        }
        // The same client through another proxy of ours: same bucket, now empty.
        expectTooManyRequests(mvc.perform(start().with(from("10.0.0.6")).header("X-Forwarded-For", "203.0.113.70")));
        assertThat(rateLimited()).extracting(SecurityEvent::subject).containsExactly("ip:203.0.113.70");
        // Another client behind the same proxy has a bucket of its own, and so has the proxy itself.
        mvc.perform(start().with(from("10.0.0.5")).header("X-Forwarded-For", "203.0.113.71"))
                .andExpect(status().isFound());
        mvc.perform(start().with(from("10.0.0.5"))).andExpect(status().isFound());
    }

    @Test
    void aConcurrentBurstFromOneAddressGetsExactlyTheBucketsTokens() throws Exception {
        // Requests for one bucket that arrive together are batched into one transaction per instance: the limit
        // must stay exact. 60 refreshes at once against a bucket of 40 (no cookie: past the limiter they are
        // refused by the CSRF check, a refusal that is not counted as guessing).
        String client = "198.51.100.160"; // an address no other test of this shared context uses
        int burst = 60;
        List<Integer> statuses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return mvc.perform(post("/api/auth/refresh").with(from(client))).andReturn().getResponse()
                            .getStatus();
                }));
            }
            go.countDown();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses).filteredOn(status -> status == 429).hasSize(burst - rateLimits.authRefresh().capacity());
        assertThat(statuses).filteredOn(status -> status != 429).hasSize((int) rateLimits.authRefresh().capacity())
                .allMatch(status -> status == 403);
    }

    @Test
    void ipv6ClientsShareABucketPerSlash64() throws Exception {
        for (int i = 1; i <= 3; i++) {
            mvc.perform(start().with(from("2001:db8:1:2::" + i))).andExpect(status().isFound());
        }
        expectTooManyRequests(mvc.perform(start().with(from("2001:db8:1:2:ffff::9"))));
        mvc.perform(start().with(from("2001:db8:1:3::1"))).andExpect(status().isFound());
    }

    @Test
    void adminWritesAreLimitedPerUserAndReadsAreNot() throws Exception {
        SignedIn admin = sessions.signIn(Role.ADMIN);
        UserAccount someone = sessions.user(Role.VIEWER);
        for (int i = 0; i < 5; i++) {
            mvc.perform(as(admin, get("/api/admin/users/" + someone.id()))).andExpect(status().isOk());
        }
        mvc.perform(setRole(admin, someone, "manager").with(from("198.51.100.30"))).andExpect(status().isOk());
        mvc.perform(setRole(admin, someone, "viewer").with(from("198.51.100.30"))).andExpect(status().isOk());

        // The third write, even from another address, is refused before the controller: the role stays.
        expectTooManyRequests(mvc.perform(setRole(admin, someone, "admin").with(from("198.51.100.31"))));
        assertThat(users.find(someone.id()).orElseThrow().role()).isEqualTo(Role.VIEWER);
        assertThat(rateLimited())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.details()).containsEntry("endpoint", "admin-writes");
                    assertThat(e.subject()).startsWith("user:").doesNotContain(admin.user().email())
                            .doesNotContain(admin.user().id().toString());
                });

        // Reads still work, and another admin has a bucket of their own.
        mvc.perform(as(admin, get("/api/admin/users/" + someone.id()))).andExpect(status().isOk())
                .andExpect(jsonPath("$.role").value("viewer"));
        SignedIn otherAdmin = sessions.signIn(Role.ADMIN);
        mvc.perform(setRole(otherAdmin, someone, "manager").with(from("198.51.100.30"))).andExpect(status().isOk());
    }

    @Test
    void anonymousAndUnauthorisedCallersNeverReachTheUserLimits() throws Exception {
        UserAccount someone = sessions.user(Role.VIEWER);
        SignedIn viewer = sessions.signIn(Role.VIEWER);
        // Three of each, one more than the admin-writes, zoho-refresh and zoho-connection-test limits: none of
        // them touches a bucket.
        for (int i = 0; i < 3; i++) {
            mvc.perform(patch("/api/admin/users/" + someone.id()).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"role\":\"admin\"}")).andExpect(status().isUnauthorized());
            mvc.perform(setRole(viewer, someone, "admin")).andExpect(status().isForbidden());
            mvc.perform(post("/api/zoho/connection/test")).andExpect(status().isUnauthorized());
            mvc.perform(post("/api/zoho/refresh").header(HttpHeaders.AUTHORIZATION, "Bearer not-a-token"))
                    .andExpect(status().isUnauthorized());
        }
        assertThat(rateLimited()).isEmpty();
        assertThat(users.find(someone.id()).orElseThrow().role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void zohoConnectionTestOverTheLimitIs429AndTheCrmIsNotCalled() throws Exception {
        ZohoUser carol = withZohoConnection();
        ZohoUser dave = withZohoConnection();
        double rejectedBefore = rejections("zoho-connection-test");

        for (int i = 0; i < 2; i++) {
            mvc.perform(as(carol, post("/api/zoho/connection/test")).with(from("198.51.100.50")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.ok").value(true))
                    .andExpect(jsonPath("$.zoho_user.zuid").value(ZohoConnectionRows.US_ADMIN_ZUID));
        }
        ZohoStandIn.server().verify(2, crmCurrentUserWith(carol.accessToken()));

        // The third test in the hour, even from another address, is refused before the controller: no CRM call.
        expectTooManyRequests(mvc.perform(as(carol, post("/api/zoho/connection/test")).with(from("198.51.100.52"))));
        ZohoStandIn.server().verify(2, crmCurrentUserWith(carol.accessToken()));
        ZohoStandIn.server().verify(0, refreshWith(carol.refreshToken()));
        assertThat(rejections("zoho-connection-test")).isEqualTo(rejectedBefore + 1);
        assertThat(rateLimited())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.details()).containsEntry("endpoint", "zoho-connection-test")
                            .containsEntry("reason", "rate_limit");
                    assertThat(e.subject()).startsWith("user:").doesNotContain(carol.email())
                            .doesNotContain(carol.userId().toString());
                });

        // Another person from the same address still has their tests.
        mvc.perform(as(dave, post("/api/zoho/connection/test")).with(from("198.51.100.50")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(true));
        ZohoStandIn.server().verify(1, crmCurrentUserWith(dave.accessToken()));
        assertThat(rateLimited()).hasSize(1);
    }

    @Test
    void zohoRefreshOverTheLimitIs429FromTheRateLimiterAndZohoIsNotCalled() throws Exception {
        // The token manager refuses the 11th token request per connection in 10 minutes by itself (429
        // zoho-refresh-limited); this context's per-user limit is below that, so the rate limiter answers first.
        assertThat(rateLimits.zohoRefresh().capacity()).isLessThan(zohoTokens.refreshLimit());
        ZohoUser alice = withZohoConnection();
        ZohoUser bob = withZohoConnection();
        double rejectedBefore = rejections("zoho-refresh");

        for (int i = 0; i < 2; i++) {
            mvc.perform(as(alice, post("/api/zoho/refresh")).with(from("198.51.100.53")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.status").value("CONNECTED"))
                    .andExpect(jsonPath("$.last_refresh_outcome").value("success"));
        }
        ZohoStandIn.server().verify(2, refreshWith(alice.refreshToken()));

        // Per user, not per address: the third refresh from another address is refused, with the rate limiter's
        // problem type, and Zoho is not asked.
        expectTooManyRequests(mvc.perform(as(alice, post("/api/zoho/refresh")).with(from("198.51.100.55"))))
                .andExpect(jsonPath("$.type").value(not(containsString("zoho-refresh-limited"))));
        ZohoStandIn.server().verify(2, refreshWith(alice.refreshToken()));
        assertThat(rejections("zoho-refresh")).isEqualTo(rejectedBefore + 1);
        assertThat(rateLimited())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.details()).containsEntry("endpoint", "zoho-refresh")
                            .containsEntry("reason", "rate_limit");
                    assertThat(e.subject()).startsWith("user:").doesNotContain(alice.email())
                            .doesNotContain(alice.userId().toString());
                });

        // Another person from the first address is not affected.
        mvc.perform(as(bob, post("/api/zoho/refresh")).with(from("198.51.100.53")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.last_refresh_outcome").value("success"));
        ZohoStandIn.server().verify(1, refreshWith(bob.refreshToken()));
        assertThat(rateLimited()).hasSize(1);
    }

    @Test
    void theUserLimitFilterLetsAnonymousRequestsThroughUncounted() throws Exception {
        // In the chain it never sees them (authorization refuses them first); on its own it does not count them.
        UserRateLimitFilter filter = productionUserRateLimitFilter();
        for (int i = 0; i < 3; i++) {
            assertThat(throughUserLimits(filter, null, "POST", "/api/zoho/connection/test", "198.51.100.43")
                    .passed()).isTrue();
        }
        assertThat(rateLimited()).isEmpty();
    }

    @Test
    void productionApiChainRunsTheUserLimitsAfterAuthorization() {
        assertThat(apiChainFilters().stream().map(Filter::getClass).<Class<?>>map(c -> c).toList())
                .containsSubsequence(AuthorizationFilter.class, UserRateLimitFilter.class);
    }

    /** The filters of the production API chain, as a request under /api/** meets them. */
    List<Filter> apiChainFilters() {
        MockHttpServletRequest request = new MockHttpServletRequest(context.getServletContext(), "POST",
                "/api/some-endpoint");
        request.setServletPath("/api/some-endpoint");
        SecurityFilterChain apiChain = securityFilters.getFilterChains().stream()
                .filter(chain -> chain.matches(request)).findFirst().orElseThrow();
        return apiChain.getFilters();
    }

    private UserRateLimitFilter productionUserRateLimitFilter() {
        return apiChainFilters().stream().filter(UserRateLimitFilter.class::isInstance)
                .map(UserRateLimitFilter.class::cast).findFirst().orElseThrow();
    }

    /** A mock request through the filter, as {@code user} (null: anonymous) from {@code client}. */
    private Filtered throughUserLimits(UserRateLimitFilter filter, String user, String method, String path,
            String client) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(context.getServletContext(), method, path);
        request.setServletPath(path);
        request.setRemoteAddr(client);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        SecurityContextHolder.getContext().setAuthentication(user == null
                ? new AnonymousAuthenticationToken("anonymous", "anonymousUser",
                        AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"))
                : UsernamePasswordAuthenticationToken.authenticated(user, null,
                        AuthorityUtils.createAuthorityList("ROLE_VIEWER")));
        try {
            filter.doFilter(request, response, chain);
        } finally {
            SecurityContextHolder.clearContext();
        }
        return new Filtered(chain.getRequest() != null, response);
    }

    /** Whether the request went on past the filter, and what the filter answered if it did not. */
    record Filtered(boolean passed, MockHttpServletResponse response) {
    }

    private List<SecurityEvent> rateLimited() {
        return events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.RATE_LIMITED))
                .toList();
    }

    private double rejections(String endpoint) {
        var counter = meters.find(RateLimitRejections.METRIC).tag("endpoint", endpoint).counter();
        return counter == null ? 0 : counter.count();
    }

    private static int zohoCalls() {
        return ZohoStandIn.server().findAll(anyRequestedFor(anyUrl())).size();
    }

    private static RequestPatternBuilder exchangeOf(String code) {
        return postRequestedFor(urlPathMatching("/.*/oauth/v2/token")).withFormParam("code", equalTo(code));
    }

    /** The CRM current-user call made with this access token. */
    private static RequestPatternBuilder crmCurrentUserWith(String accessToken) {
        return getRequestedFor(urlPathMatching("/api/[a-z]+/crm/v8/users"))
                .withQueryParam("type", equalTo("CurrentUser"))
                .withHeader(HttpHeaders.AUTHORIZATION, equalTo("Zoho-oauthtoken " + accessToken));
    }

    /** A token request of the refresh grant with this refresh token. */
    private static RequestPatternBuilder refreshWith(String refreshToken) {
        return postRequestedFor(urlPathMatching("/[a-z]+/oauth/v2/token"))
                .withFormParam("grant_type", equalTo("refresh_token"))
                .withFormParam("refresh_token", equalTo(refreshToken));
    }

    /**
     * A signed-in person with a CONNECTED Zoho connection stored as sign-in stores it, holding tokens generated for
     * this test that the stand-in accepts (as its us-admin), so the stand-in's requests can be told apart by token.
     */
    private ZohoUser withZohoConnection() throws Exception {
        SignedIn session = sessions.signIn(Role.VIEWER);
        String accessToken = ZohoConnectionRows.usAdminToken();
        String refreshToken = ZohoConnectionRows.usAdminToken();
        new ZohoConnectionRows(jdbc, cipher).insert(session.user().id(), accessToken, Instant.now().plusSeconds(3600),
                refreshToken);
        return new ZohoUser(session, accessToken, refreshToken);
    }

    /** Signed in, with the Zoho tokens stored for them. */
    private record ZohoUser(SignedIn session, String accessToken, String refreshToken) {
        UUID userId() {
            return session.user().id();
        }

        String email() {
            return session.user().email();
        }
    }

    private static MockHttpServletRequestBuilder as(ZohoUser who, MockHttpServletRequestBuilder request) {
        return as(who.session(), request);
    }

    private static MockHttpServletRequestBuilder as(SignedIn who, MockHttpServletRequestBuilder request) {
        return request.header(HttpHeaders.AUTHORIZATION, who.bearer());
    }

    private static MockHttpServletRequestBuilder setRole(SignedIn who, UserAccount target, String role) {
        return as(who, patch("/api/admin/users/" + target.id())).contentType(MediaType.APPLICATION_JSON)
                .content("{\"role\":\"" + role + "\"}");
    }

    private static void expectTooManyRequests(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(MediaType.parseMediaType(response.getContentType()))
                .satisfies(type -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue());
        assertThat(response.getContentAsString()).contains("\"urn:pipeline-pulse:problem:too-many-requests\"");
        assertThat(response.getHeader("Retry-After")).matches("[1-9][0-9]*");
    }

    static ResultActions expectTooManyRequests(ResultActions result) throws Exception {
        return result.andExpect(status().isTooManyRequests())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:too-many-requests"))
                .andExpect(jsonPath("$.status").value(429))
                .andExpect(jsonPath("$.request_id").isString())
                .andExpect(header().string("Retry-After", matchesPattern("[1-9][0-9]*")));
    }

    /** What a sign-in writes: a refused one must leave all of it as it was. */
    record RowCounts(int users, int connections, int sessions) {
        static RowCounts of(JdbcClient jdbc) {
            return new RowCounts(count(jdbc, "app_user"), count(jdbc, "zoho_connection"), count(jdbc, "user_session"));
        }

        private static int count(JdbcClient jdbc, String table) {
            return jdbc.sql("select count(*) from " + table).query(Integer.class).single();
        }
    }
}
