package com.pipelinepulse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.MutableClock;
import com.pipelinepulse.testsupport.StatementCounter;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Failure throttling reads a caller's standing at most once per {@link FailureThrottle#STANDING_KEPT} per instance:
 * counting stays exact, a wait this instance starts applies at once, one started by another instance at most that
 * long later. Two {@link FailureThrottle}s over the one table stand for two instances.
 */
@RateLimitTestContext
class FailureStandingAcrossInstancesIntegrationTests {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    RateLimitProperties properties;

    private final MutableClock clock = new MutableClock();

    @Test
    void aWaitStartedElsewhereAppliesHereWithinTheKeptPeriodAndOneStartedHereAtOnce() {
        clock.fixAt(java.time.Instant.now());
        FailureThrottle here = new FailureThrottle(jdbc, transactions, properties.failures(), clock);
        FailureThrottle elsewhere = new FailureThrottle(jdbc, transactions, properties.failures(), clock);
        String caller = "standing-" + UUID.randomUUID();
        assertThat(here.standing(caller).onRecord()).isFalse();

        StatementCounter.start();
        try {
            assertThat(here.standing(caller).remainingWait()).isZero();
        } finally {
            assertThat(StatementCounter.stop().statements()).as("a standing read again within the period")
                    .isEmpty();
        }

        int threshold = properties.failures().threshold();
        for (int i = 1; i < threshold; i++) {
            assertThat(elsewhere.recordFailure(caller)).isEmpty();
        }
        assertThat(elsewhere.recordFailure(caller)).isPresent();
        assertThat(elsewhere.standing(caller).remainingWait()).as("where the wait started: at once").isPositive();
        assertThat(here.standing(caller).remainingWait()).as("elsewhere, inside the kept period").isZero();

        clock.advance(FailureThrottle.STANDING_KEPT.plusMillis(1));
        Duration wait = here.standing(caller).remainingWait();
        assertThat(wait).as("elsewhere, once the period is over").isPositive()
                .isLessThanOrEqualTo(properties.failures().step());
        assertThat(here.standing(caller).onRecord()).isTrue();

        here.recordSuccess(caller);
        assertThat(here.standing(caller).onRecord()).isFalse();
    }
}
