package com.pipelinepulse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.MutableClock;
import com.pipelinepulse.testsupport.StatementCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Failure throttling reads a caller's standing at most once per {@link FailureThrottle#STANDING_KEPT} per instance:
 * counting stays exact, a wait this instance starts applies at once, one started by another instance at most that
 * long later. Two {@link FailureThrottle}s over the one table stand for two instances; a fake ticker measures the
 * kept period, the test clock the waits.
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

    /** Nanoseconds, moved by hand: how long a standing has been kept. */
    private final AtomicLong ticker = new AtomicLong();

    @Test
    void aWaitStartedElsewhereAppliesHereWithinTheKeptPeriodAndOneStartedHereAtOnce() {
        clock.fixAt(Instant.now());
        FailureThrottle here = instance();
        FailureThrottle elsewhere = instance();
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

        keptPeriodPasses();
        Duration wait = here.standing(caller).remainingWait();
        assertThat(wait).as("elsewhere, once the period is over").isEqualTo(properties.failures().step());
        assertThat(here.standing(caller).onRecord()).isTrue();

        clock.advance(wait);
        here.recordSuccess(caller);
        assertThat(here.standing(caller).onRecord()).isFalse();
        assertThat(rows(caller)).as("a success after the wait resets the count").isZero();
    }

    /** A success here, while this instance still trusts a standing without a wait, never ends a wait begun elsewhere. */
    @Test
    void aSuccessHereDoesNotEndAWaitStartedElsewhereInsideTheKeptPeriod() {
        clock.fixAt(Instant.now());
        FailureThrottle here = instance();
        FailureThrottle elsewhere = instance();
        String caller = "standing-" + UUID.randomUUID();
        int threshold = properties.failures().threshold();
        for (int i = 1; i < threshold; i++) {
            assertThat(elsewhere.recordFailure(caller)).isEmpty();
        }
        assertThat(here.standing(caller)).isEqualTo(new FailureThrottle.Standing(Duration.ZERO, true));
        assertThat(elsewhere.recordFailure(caller)).isPresent();

        here.recordSuccess(caller);

        assertThat(rows(caller)).as("the counter and its wait are kept").isOne();
        assertThat(here.standing(caller).remainingWait()).as("here, read again at once")
                .isEqualTo(properties.failures().step());
        assertThat(elsewhere.standing(caller).remainingWait()).isEqualTo(properties.failures().step());
    }

    /** The kept period is measured by the ticker: a wall clock set back an hour does not keep a standing longer. */
    @Test
    void aClockSetBackDoesNotKeepAStandingLonger() {
        Instant start = Instant.now();
        clock.fixAt(start);
        FailureThrottle here = instance();
        FailureThrottle elsewhere = instance();
        String caller = "standing-" + UUID.randomUUID();
        assertThat(here.standing(caller).onRecord()).isFalse();

        clock.fixAt(start.minus(Duration.ofHours(1)));
        for (int i = 0; i < properties.failures().threshold(); i++) {
            elsewhere.recordFailure(caller);
        }
        keptPeriodPasses();

        assertThat(here.standing(caller).remainingWait()).isEqualTo(properties.failures().step());
    }

    private FailureThrottle instance() {
        return new FailureThrottle(jdbc, transactions, properties.failures(), clock, ticker::get);
    }

    private void keptPeriodPasses() {
        ticker.addAndGet(FailureThrottle.STANDING_KEPT.plusMillis(1).toNanos());
    }

    private int rows(String caller) {
        return jdbc.sql("select count(*) from client_failure_throttle where client_key = :key").param("key", caller)
                .query(Integer.class).single();
    }
}
