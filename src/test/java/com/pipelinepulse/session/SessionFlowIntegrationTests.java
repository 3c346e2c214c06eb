package com.pipelinepulse.session;

import static com.pipelinepulse.testsupport.TestSessions.COOKIE;
import static com.pipelinepulse.testsupport.TestSessions.SPA_ORIGIN;
import static com.pipelinepulse.testsupport.TestSessions.cookieValue;
import static com.pipelinepulse.testsupport.TestSessions.logout;
import static com.pipelinepulse.testsupport.TestSessions.refresh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.options;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The SPA's session life: refresh, me, sessions, logout; rotation, reuse and the grace window; CSRF and CORS;
 * security headers. Time passing is simulated by moving the stored timestamps back.
 */
@IntegrationTest
@RecordApplicationEvents
class SessionFlowIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ApplicationEvents events;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ActiveSessionsGauge gauge;
    @Autowired
    ExpiredSessionsCleanup cleanup;

    TestSessions sessions;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
    }

    @Test
    void openedSessionSetsAHardenedCookieAndStoresOnlyAHash() {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));
        assertThat(opened.refreshToken()).matches("[A-Za-z0-9_-]{43}");
        String stored = jdbc.sql("select encode(token_hash, 'hex') from refresh_token where session_id = :sid")
                .param("sid", opened.sessionId()).query(String.class).single();
        assertThat(stored).hasSize(64).doesNotContain(opened.refreshToken());
        assertThat(jdbc.sql("select count(*) from refresh_token where encode(token_hash, 'escape') like :t")
                .param("t", "%" + opened.refreshToken() + "%").query(Long.class).single()).isZero();
    }

    @Test
    void refreshRotatesTheCookieAndReturnsAnAccessToken() throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.MANAGER));
        MvcResult result = mvc.perform(refresh(opened.refreshToken()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.token_type").value("Bearer"))
                .andExpect(jsonPath("$.expires_in").value(600))
                .andExpect(jsonPath("$.access_token").isString())
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
                .andExpect(header().string(HttpHeaders.SET_COOKIE, allOf(containsString(COOKIE + "="),
                        containsString("Path=/api/auth"), containsString("Secure"), containsString("HttpOnly"),
                        containsString("SameSite=Strict"), containsString("Max-Age="))))
                .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, SPA_ORIGIN))
                .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
                .andReturn();
        String rotated = cookieValue(result);
        assertThat(rotated).isNotBlank().isNotEqualTo(opened.refreshToken());
        assertThat(refreshEvents("success")).isNotEmpty();

        String accessToken = json.readTree(result.getResponse().getContentAsString()).get("access_token").asText();
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.user_id").value(opened.user().id().toString()))
                .andExpect(jsonPath("$.email").value(opened.user().email()))
                .andExpect(jsonPath("$.name").value(opened.user().displayName()))
                .andExpect(jsonPath("$.region").value("AMER"))
                .andExpect(jsonPath("$.roles[0]").value("manager"))
                .andExpect(jsonPath("$.session_id").value(opened.sessionId().toString()))
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"));

        // The rotated cookie works once more.
        mvc.perform(refresh(rotated)).andExpect(status().isOk());
    }

    @Test
    void rotatedTokenPresentedAfterTheGraceWindowRevokesTheWholeSession() throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));
        String second = cookieValue(mvc.perform(refresh(opened.refreshToken())).andExpect(status().isOk()).andReturn());
        ageRotations(opened.sessionId(), 11);

        expectRefused(mvc.perform(refresh(opened.refreshToken())));
        assertThat(revocationReason(opened.sessionId())).isEqualTo("refresh_reuse");
        assertThat(events.stream(SecurityEvent.class)
                .filter(e -> e.type().equals(SecurityEvent.Types.REFRESH_REUSE)
                        && opened.user().id().equals(e.userId()))).hasSize(1);
        // The legitimate holder of the newest token is out too: the session is gone.
        expectRefused(mvc.perform(refresh(second)));
        assertThat(refreshEvents("failure")).anyMatch(e -> "refresh_reuse".equals(e.details().get("reason")))
                .anyMatch(e -> "session_revoked".equals(e.details().get("reason")));
    }

    @Test
    void twoRefreshesWithTheSameTokenInsideTheGraceWindowBothSucceedOnce() throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));
        String tabA = cookieValue(mvc.perform(refresh(opened.refreshToken())).andExpect(status().isOk()).andReturn());
        String tabB = cookieValue(mvc.perform(refresh(opened.refreshToken())).andExpect(status().isOk()).andReturn());
        assertThat(tabB).isNotEqualTo(tabA);

        // A third presentation of the same token is reuse, even inside the window.
        expectRefused(mvc.perform(refresh(opened.refreshToken())));
        assertThat(revocationReason(opened.sessionId())).isEqualTo("refresh_reuse");
    }

    @Test
    void eitherTabCanGoOnAfterAConcurrentRefresh() throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));
        String tabA = cookieValue(mvc.perform(refresh(opened.refreshToken())).andReturn());
        String tabB = cookieValue(mvc.perform(refresh(opened.refreshToken())).andReturn());
        String next = cookieValue(mvc.perform(refresh(tabB)).andExpect(status().isOk()).andReturn());
        mvc.perform(refresh(next)).andExpect(status().isOk());
        assertThat(revocationReason(opened.sessionId())).isNull();
        assertThat(tabA).isNotBlank();
    }

    @Test
    void idleAndAbsoluteExpiryEndTheSession() throws Exception {
        SignedIn idle = sessions.open(sessions.user(Role.VIEWER));
        jdbc.sql("update user_session set idle_expires_at = now() - interval '1 second' where id = :id")
                .param("id", idle.sessionId()).update();
        expectRefused(mvc.perform(refresh(idle.refreshToken())));

        SignedIn old = sessions.open(sessions.user(Role.VIEWER));
        jdbc.sql("update user_session set absolute_expires_at = now() - interval '1 second' where id = :id")
                .param("id", old.sessionId()).update();
        expectRefused(mvc.perform(refresh(old.refreshToken())));
        assertThat(refreshEvents("failure")).anyMatch(e -> "session_expired".equals(e.details().get("reason")));
    }

    @Test
    void refreshNeverExtendsASessionPastItsAbsoluteExpiry() throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));
        jdbc.sql("update user_session set absolute_expires_at = now() + interval '1 hour' where id = :id")
                .param("id", opened.sessionId()).update();
        java.time.OffsetDateTime absolute = absoluteExpiry(opened.sessionId());
        String cookie = opened.refreshToken();
        for (int i = 0; i < 3; i++) {
            MvcResult result = mvc.perform(refresh(cookie)).andExpect(status().isOk()).andReturn();
            cookie = cookieValue(result);
            // Never moved, and the cookie lives exactly as long as the session may.
            assertThat(absoluteExpiry(opened.sessionId())).isEqualTo(absolute);
            long maxAge = Long.parseLong(result.getResponse().getHeader(HttpHeaders.SET_COOKIE)
                    .replaceAll(".*Max-Age=(\\d+).*", "$1"));
            assertThat(maxAge).isBetween(3500L, 3600L);
        }
        Boolean capped = jdbc.sql("select idle_expires_at <= absolute_expires_at from user_session where id = :id")
                .param("id", opened.sessionId()).query(Boolean.class).single();
        assertThat(capped).isTrue();
    }

    private java.time.OffsetDateTime absoluteExpiry(UUID sessionId) {
        return jdbc.sql("select absolute_expires_at from user_session where id = :id").param("id", sessionId)
                .query(java.time.OffsetDateTime.class).single();
    }

    @Test
    void refreshWithoutOrWithAnUnknownCookieIs401AndClearsTheCookie() throws Exception {
        expectRefused(mvc.perform(refresh(null)));
        expectRefused(mvc.perform(refresh("A".repeat(43))));
        expectRefused(mvc.perform(refresh("not-a-token")));
        assertThat(refreshEvents("failure")).anyMatch(e -> "missing_token".equals(e.details().get("reason")))
                .anyMatch(e -> "unknown_token".equals(e.details().get("reason")))
                .anyMatch(e -> "malformed_token".equals(e.details().get("reason")));
    }

    @Test
    void cookieEndpointsRefuseRequestsWithoutTheCsrfHeaderOrFromAnotherOrigin() throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));
        Cookie cookie = new Cookie(COOKIE, opened.refreshToken());
        for (String path : new String[] {"/api/auth/refresh", "/api/auth/logout"}) {
            expectCsrfRejected(mvc.perform(post(path).cookie(cookie).header(HttpHeaders.ORIGIN, SPA_ORIGIN)));
            expectCsrfRejected(mvc.perform(post(path).cookie(cookie).header("X-Requested-With", "XMLHttpRequest")
                    .header(HttpHeaders.ORIGIN, SPA_ORIGIN)));
            expectCsrfRejected(mvc.perform(post(path).cookie(cookie).header("X-Requested-With", "pipeline-pulse")));
            // A foreign origin is already stopped by CORS, before the CSRF check.
            mvc.perform(post(path).cookie(cookie).header("X-Requested-With", "pipeline-pulse")
                            .header(HttpHeaders.ORIGIN, "https://evil.example"))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:cors-rejected"))
                    .andExpect(header().doesNotExist(HttpHeaders.SET_COOKIE));
        }
        // Nothing happened to the session: the cookie still refreshes.
        assertThat(revocationReason(opened.sessionId())).isNull();
        mvc.perform(refresh(opened.refreshToken())).andExpect(status().isOk());
    }

    @Test
    void corsPreflightIsAnsweredForTheSpaOriginOnlyWithCredentials() throws Exception {
        mvc.perform(options("/api/auth/refresh").header(HttpHeaders.ORIGIN, SPA_ORIGIN)
                        .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                        .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "x-requested-with"))
                .andExpect(status().isOk())
                .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, SPA_ORIGIN))
                .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
                .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, containsStringIgnoringCase("x-requested-with")));

        mvc.perform(options("/api/auth/refresh").header(HttpHeaders.ORIGIN, "https://evil.example")
                        .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:cors-rejected"))
                .andExpect(header().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN));
    }

    @Test
    void logoutEndsTheSessionEverywhereAndClearsTheCookie() throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        mvc.perform(logout(me.refreshToken()))
                .andExpect(status().isNoContent())
                .andExpect(header().string(HttpHeaders.SET_COOKIE, allOf(containsString(COOKIE + "=;"),
                        containsString("Max-Age=0"), containsString("Path=/api/auth"))));
        assertThat(revocationReason(me.sessionId())).isEqualTo("logout");
        expectRefused(mvc.perform(refresh(me.refreshToken())));
        expectInvalidToken(mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, me.bearer())));
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.LOGOUT)
                && me.user().id().equals(e.userId()))).hasSize(1);
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.SESSION_REVOKED)
                && me.sessionId().toString().equals(e.details().get("session_id")))).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("by", me.user().id().toString()));

        // Logging out again is harmless.
        mvc.perform(logout(me.refreshToken())).andExpect(status().isNoContent());
    }

    @Test
    void logoutWithoutACookieIs401() throws Exception {
        mvc.perform(logout(null)).andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:unauthenticated"));
    }

    @Test
    void sessionsListsOnlyMyLiveSessionsAndICanEndOne() throws Exception {
        SignedIn me = sessions.signIn(Role.VIEWER);
        SignedIn myLaptop = sessions.open(me.user());
        SignedIn someoneElse = sessions.signIn(Role.VIEWER);

        mvc.perform(get("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(2)))
                .andExpect(jsonPath("$[?(@.id == '" + me.sessionId() + "')].current").value(true))
                .andExpect(jsonPath("$[?(@.id == '" + myLaptop.sessionId() + "')].current").value(false))
                .andExpect(jsonPath("$[?(@.id == '" + myLaptop.sessionId() + "')].user_agent").value("JUnit"));

        // Someone else's session id is simply not found, and stays alive.
        mvc.perform(delete("/api/auth/sessions/" + someoneElse.sessionId()).header(HttpHeaders.AUTHORIZATION,
                        me.bearer()))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:not-found"));
        assertThat(revocationReason(someoneElse.sessionId())).isNull();

        mvc.perform(delete("/api/auth/sessions/" + myLaptop.sessionId()).header(HttpHeaders.AUTHORIZATION,
                        me.bearer()))
                .andExpect(status().isNoContent());
        assertThat(revocationReason(myLaptop.sessionId())).isEqualTo("user_ended");
        expectRefused(mvc.perform(refresh(myLaptop.refreshToken())));
        mvc.perform(get("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(jsonPath("$", hasSize(1)));

        mvc.perform(delete("/api/auth/sessions/" + UUID.randomUUID()).header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isNotFound());
        mvc.perform(delete("/api/auth/sessions/not-a-uuid").header(HttpHeaders.AUTHORIZATION, me.bearer()))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void bearerEndpointsNeedAnAccessToken() throws Exception {
        expectUnauthenticated(mvc.perform(get("/api/auth/me")));
        expectUnauthenticated(mvc.perform(get("/api/auth/sessions")));
        expectUnauthenticated(mvc.perform(delete("/api/auth/sessions/" + UUID.randomUUID())));
        expectUnauthenticated(mvc.perform(delete("/api/auth/sessions")));
        // A refresh cookie is not an access token.
        SignedIn opened = sessions.open(sessions.user(Role.ADMIN));
        expectUnauthenticated(mvc.perform(get("/api/auth/me").cookie(new Cookie(COOKIE, opened.refreshToken()))));
    }

    @Test
    void anyRoleMayUseItsOwnSessionEndpoints() throws Exception {
        for (Role role : Role.values()) {
            SignedIn who = sessions.signIn(role);
            mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, who.bearer()))
                    .andExpect(status().isOk()).andExpect(jsonPath("$.roles[0]").value(role.id()));
            mvc.perform(get("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, who.bearer()))
                    .andExpect(status().isOk());
            // "Sign out everywhere else" is open to every role (there is no 403 case) and keeps this session.
            mvc.perform(delete("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, who.bearer()))
                    .andExpect(status().isOk()).andExpect(jsonPath("$.ended_sessions").value(0));
            mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, who.bearer()))
                    .andExpect(status().isOk());
        }
    }

    @Test
    void unknownApiPathsAreDeniedEvenToAdmins() throws Exception {
        SignedIn admin = sessions.signIn(Role.ADMIN);
        mvc.perform(get("/api/not-a-route").header(HttpHeaders.AUTHORIZATION, admin.bearer()))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:forbidden"));
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        for (ResultActions result : new ResultActions[] {mvc.perform(get("/api/auth/me")),
                mvc.perform(get("/no-such-page")), mvc.perform(refresh(null))}) {
            result.andExpect(header().string("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains"))
                    .andExpect(header().string("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"))
                    .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                    .andExpect(header().string("Referrer-Policy", "no-referrer"));
        }
    }

    @Test
    void activeSessionsGaugeCountsLiveSessions() throws Exception {
        gauge.invalidate();
        double before = meters.get(ActiveSessionsGauge.NAME).gauge().value();
        SignedIn one = sessions.open(sessions.user(Role.VIEWER));
        sessions.open(sessions.user(Role.VIEWER));
        gauge.invalidate();
        assertThat(meters.get(ActiveSessionsGauge.NAME).gauge().value()).isEqualTo(before + 2);
        mvc.perform(logout(one.refreshToken())).andExpect(status().isNoContent());
        gauge.invalidate();
        assertThat(meters.get(ActiveSessionsGauge.NAME).gauge().value()).isEqualTo(before + 1);
    }

    @Test
    void sessionsThatEndedLongAgoAreDeletedWithTheirTokensRecentOnesAreKept() throws Exception {
        SignedIn longGone = sessions.open(sessions.user(Role.VIEWER));
        SignedIn recentlyEnded = sessions.open(sessions.user(Role.VIEWER));
        SignedIn live = sessions.open(sessions.user(Role.VIEWER));
        mvc.perform(logout(longGone.refreshToken())).andExpect(status().isNoContent());
        mvc.perform(logout(recentlyEnded.refreshToken())).andExpect(status().isNoContent());
        jdbc.sql("update user_session set revoked_at = now() - interval '8 days' where id = :id")
                .param("id", longGone.sessionId()).update();

        cleanup.deleteLongEndedSessions();

        assertThat(sessionRows(longGone.sessionId())).isZero();
        assertThat(jdbc.sql("select count(*) from refresh_token where session_id = :id")
                .param("id", longGone.sessionId()).query(Long.class).single()).isZero();
        assertThat(sessionRows(recentlyEnded.sessionId())).isOne();
        assertThat(sessionRows(live.sessionId())).isOne();
    }

    private long sessionRows(UUID id) {
        return jdbc.sql("select count(*) from user_session where id = :id").param("id", id).query(Long.class).single();
    }

    private void ageRotations(UUID sessionId, int seconds) {
        jdbc.sql("update refresh_token set rotated_at = rotated_at - make_interval(secs => :s) where session_id = :sid "
                + "and rotated_at is not null").param("s", seconds).param("sid", sessionId).update();
    }

    private String revocationReason(UUID sessionId) {
        return jdbc.sql("select revoked_reason from user_session where id = :id").param("id", sessionId)
                .query(String.class).optional().orElse(null);
    }

    private java.util.List<SecurityEvent> refreshEvents(String outcome) {
        return events.stream(SecurityEvent.class)
                .filter(e -> e.type().equals(SecurityEvent.Types.REFRESH) && e.outcome().equals(outcome)).toList();
    }

    private static void expectRefused(ResultActions result) throws Exception {
        result.andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:unauthenticated"))
                .andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("Max-Age=0")))
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"));
    }

    private static void expectCsrfRejected(ResultActions result) throws Exception {
        result.andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:csrf-rejected"))
                .andExpect(header().doesNotExist(HttpHeaders.SET_COOKIE));
    }

    private static void expectUnauthenticated(ResultActions result) throws Exception {
        result.andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:unauthenticated"));
    }

    private static void expectInvalidToken(ResultActions result) throws Exception {
        result.andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:invalid-token"));
    }
}
