package com.pipelinepulse.ratelimit;

import static com.pipelinepulse.ratelimit.RateLimitIntegrationTests.expectTooManyRequests;
import static com.pipelinepulse.ratelimit.SignInAttempt.from;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.testsupport.MutableClock;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.TestSessions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * Consecutive failed refreshes and sign-ins per address, driven through the real endpoints, lead to growing
 * waits (threshold 3, 1-minute steps, at most 3 minutes here); a successful refresh resets the count.
 */
@RateLimitTestContext
class FailureThrottlingIntegrationTests {

    /** Well-formed (43 base64url characters) but no session's: the refresh endpoint answers 401. */
    private static final String UNKNOWN_REFRESH_TOKEN = "A".repeat(43);

    @Autowired
    MockMvc mvc;

    @Autowired
    MutableClock clock;

    @Autowired
    ApplicationEvents events;

    @Autowired
    UserDirectory users;

    @Autowired
    SessionOpener opener;

    @Autowired
    JdbcClient jdbc;

    TestSessions sessions;
    UserAccount person;

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
        person = sessions.user(Role.VIEWER);
    }

    @Test
    void waitsGrowStepByStepUpToTheMaximumAndASuccessResetsThem() throws Exception {
        String client = "198.51.100.60";
        failedRefresh(client).andExpect(status().isUnauthorized());
        failedRefresh(client).andExpect(status().isUnauthorized());
        assertThat(lockouts(client)).isEmpty();

        failedRefresh(client).andExpect(status().isUnauthorized());
        assertThat(lockouts(client)).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("wait_seconds", 60L)
                        .containsEntry("consecutive_failures", 3));
        // Even a good cookie waits, and its session is not touched (it still refreshes later).
        String goodCookie = sessions.open(person).refreshToken();
        expectTooManyRequests(refresh(client, goodCookie)).andExpect(header().string("Retry-After", "60"));
        // Sign-in is closed too (no state is stored), and the refused attempts do not start another lockout.
        int statesBefore = signInStates();
        expectTooManyRequests(mvc.perform(SignInAttempt.start().with(from(client))));
        expectTooManyRequests(mvc.perform(get("/api/zoho/auth/callback").param("code", "x").param("state", "y")
                .with(from(client))));
        assertThat(signInStates()).isEqualTo(statesBefore);
        assertThat(lockouts(client)).hasSize(1);

        clock.advance(Duration.ofSeconds(30));
        expectTooManyRequests(failedRefresh(client)).andExpect(header().string("Retry-After", "30"));

        clock.advance(Duration.ofSeconds(31));
        failedRefresh(client).andExpect(status().isUnauthorized());
        expectTooManyRequests(failedRefresh(client)).andExpect(header().string("Retry-After", "120"));

        clock.advance(Duration.ofMinutes(2));
        failedRefresh(client).andExpect(status().isUnauthorized());
        expectTooManyRequests(failedRefresh(client)).andExpect(header().string("Retry-After", "180"));

        clock.advance(Duration.ofMinutes(3));
        failedRefresh(client).andExpect(status().isUnauthorized());
        expectTooManyRequests(failedRefresh(client)).andExpect(header().string("Retry-After", "180"));
        assertThat(lockouts(client)).extracting(e -> e.details().get("wait_seconds"))
                .containsExactly(60L, 120L, 180L, 180L);

        clock.advance(Duration.ofMinutes(3));
        String rotated = TestSessions.cookieValue(refresh(client, goodCookie).andExpect(status().isOk()).andReturn());
        // Counting starts again from zero: two failures are not enough for a wait.
        failedRefresh(client).andExpect(status().isUnauthorized());
        failedRefresh(client).andExpect(status().isUnauthorized());
        refresh(client, rotated).andExpect(status().isOk());
        assertThat(lockouts(client)).hasSize(4);
    }

    @Test
    void failedSignInsCountLikeFailedRefreshesAndOtherAddressesAreUnaffected() throws Exception {
        String client = "198.51.100.61";
        failedRefresh(client).andExpect(status().isUnauthorized());
        failedRefresh(client).andExpect(status().isUnauthorized());
        // Zoho's redirect back with a state this service never issued: a failed sign-in (sent to the SPA's error
        // page), the third failure in a row from this address.
        mvc.perform(get("/api/zoho/auth/callback").param("code", "stub.us-admin.AAAAAAAAAAAAAAAA")
                        .param("state", "B".repeat(43)).with(from(client)))
                .andExpect(status().isFound())
                .andExpect(header().string(HttpHeaders.LOCATION, "https://app.example.com/signin-error?reason=invalid_state"));
        assertThat(lockouts(client)).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("trigger", SecurityEvent.Types.SIGN_IN));

        expectTooManyRequests(refresh(client, sessions.open(person).refreshToken()));
        refresh("198.51.100.62", sessions.open(person).refreshToken()).andExpect(status().isOk());
    }

    @Test
    void failuresThatShowNoGuessingNeverStartAWait() throws Exception {
        String client = "198.51.100.63";
        for (int i = 0; i < 5; i++) {
            // The SPA probing refresh before anyone signed in, and a request without the CSRF header.
            mvc.perform(TestSessions.refresh(null).with(from(client))).andExpect(status().isUnauthorized());
            mvc.perform(post("/api/auth/refresh").header(HttpHeaders.ORIGIN, TestSessions.SPA_ORIGIN)
                    .with(from(client))).andExpect(status().isForbidden());
        }
        assertThat(lockouts(client)).isEmpty();
        mvc.perform(SignInAttempt.start().with(from(client))).andExpect(status().isFound());
        refresh(client, sessions.open(person).refreshToken()).andExpect(status().isOk());
    }

    /** A refresh as the SPA sends it, from {@code client}, with a cookie that names no session. */
    private ResultActions failedRefresh(String client) throws Exception {
        return refresh(client, UNKNOWN_REFRESH_TOKEN);
    }

    private ResultActions refresh(String client, String cookie) throws Exception {
        return mvc.perform(TestSessions.refresh(cookie).with(from(client)));
    }

    private int signInStates() {
        return jdbc.sql("select count(*) from zoho_sign_in_state").query(Integer.class).single();
    }

    private List<SecurityEvent> lockouts(String client) {
        return events.stream(SecurityEvent.class)
                .filter(e -> e.type().equals(SecurityEvent.Types.LOCKOUT))
                .filter(e -> ("ip:" + client).equals(e.subject()))
                .toList();
    }
}
