package com.pipelinepulse.ratelimit;

import static com.pipelinepulse.ratelimit.RateLimitIntegrationTests.expectTooManyRequests;
import static com.pipelinepulse.ratelimit.RateLimitIntegrationTests.from;
import static com.pipelinepulse.ratelimit.RateLimitIntegrationTests.signIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.ratelimit.RateLimitProbes.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Consecutive failures per address lead to growing waits (threshold 3, 1-minute steps, at most 3 here). */
@RateLimitTestContext
class FailureThrottlingIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    MutableClock clock;

    @Autowired
    ApplicationEvents events;

    @Test
    void waitsGrowStepByStepUpToTheMaximumAndASuccessResetsThem() throws Exception {
        String client = "198.51.100.60";
        refresh(client, "failure").andExpect(status().isOk());
        refresh(client, "failure").andExpect(status().isOk());
        assertThat(lockouts(client)).isEmpty();

        refresh(client, "failure").andExpect(status().isOk());
        assertThat(lockouts(client)).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("wait_seconds", 60L));
        expectTooManyRequests(refresh(client, "success")).andExpect(header().string("Retry-After", "60"));
        // Sign-in is closed too, and the refused attempts do not start another lockout.
        expectTooManyRequests(mvc.perform(signIn("throttled-sign-in").with(from(client))));
        assertThat(RateLimitProbes.calls("throttled-sign-in")).isZero();
        assertThat(lockouts(client)).hasSize(1);

        clock.advance(Duration.ofSeconds(30));
        expectTooManyRequests(refresh(client, "failure")).andExpect(header().string("Retry-After", "30"));

        clock.advance(Duration.ofSeconds(31));
        refresh(client, "failure").andExpect(status().isOk());
        expectTooManyRequests(refresh(client, "failure")).andExpect(header().string("Retry-After", "120"));

        clock.advance(Duration.ofMinutes(2));
        refresh(client, "failure").andExpect(status().isOk());
        expectTooManyRequests(refresh(client, "failure")).andExpect(header().string("Retry-After", "180"));

        clock.advance(Duration.ofMinutes(3));
        refresh(client, "failure").andExpect(status().isOk());
        expectTooManyRequests(refresh(client, "failure")).andExpect(header().string("Retry-After", "180"));
        assertThat(lockouts(client)).extracting(e -> e.details().get("wait_seconds"))
                .containsExactly(60L, 120L, 180L, 180L);

        clock.advance(Duration.ofMinutes(3));
        refresh(client, "success").andExpect(status().isOk());
        // Counting starts again from zero: two failures are not enough for a wait.
        refresh(client, "failure").andExpect(status().isOk());
        refresh(client, "failure").andExpect(status().isOk());
        refresh(client, "success").andExpect(status().isOk());
        assertThat(lockouts(client)).hasSize(4);
    }

    @Test
    void failedSignInsCountLikeFailedRefreshesAndOtherAddressesAreUnaffected() throws Exception {
        String client = "198.51.100.61";
        for (int i = 0; i < 2; i++) {
            refresh(client, "failure").andExpect(status().isOk());
        }
        mvc.perform(RateLimitIntegrationTests.callback("throttle-callback", "failure").with(from(client)))
                .andExpect(status().isOk());
        expectTooManyRequests(refresh(client, "success"));
        refresh("198.51.100.62", "success").andExpect(status().isOk());
    }

    private ResultActions refresh(String client, String outcome) throws Exception {
        return mvc.perform(post("/api/auth/refresh").param("probe", "throttle").param("outcome", outcome)
                .with(from(client)));
    }

    private List<SecurityEvent> lockouts(String client) {
        return events.stream(SecurityEvent.class)
                .filter(e -> e.type().equals(SecurityEvent.Types.LOCKOUT))
                .filter(e -> ("ip:" + client).equals(e.subject()))
                .toList();
    }
}
