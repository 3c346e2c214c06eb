package com.pipelinepulse.session;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code pipelinepulse.sessions.active}: live sessions across all instances (from the table, so every
 * instance reports the same number). Counted at most every 15 seconds, whatever the scrape rate.
 */
@Component
class ActiveSessionsGauge {

    static final String NAME = "pipelinepulse.sessions.active";
    private static final Logger log = LoggerFactory.getLogger(ActiveSessionsGauge.class);
    private static final Duration MAX_AGE = Duration.ofSeconds(15);

    private final SessionStore store;
    private volatile double last = Double.NaN;
    private volatile Instant countedAt = Instant.EPOCH;

    ActiveSessionsGauge(SessionStore store, MeterRegistry registry) {
        this.store = store;
        Gauge.builder(NAME, this, ActiveSessionsGauge::value)
                .description("Sessions neither revoked nor expired, across all instances")
                .register(registry);
    }

    double value() {
        Instant now = Instant.now();
        if (now.isAfter(countedAt.plus(MAX_AGE))) {
            try {
                last = store.countLive(now);
                countedAt = now;
            } catch (RuntimeException e) {
                log.warn("Could not count active sessions ({})", e.getClass().getSimpleName());
            }
        }
        return last;
    }

    /** Forget the cached count (tests, and right after bulk changes). */
    void invalidate() {
        countedAt = Instant.EPOCH;
    }
}
