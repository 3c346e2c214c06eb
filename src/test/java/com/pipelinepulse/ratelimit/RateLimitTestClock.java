package com.pipelinepulse.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The clock of the rate-limit tests: failure throttling and the rejection events read it (the token buckets keep
 * Bucket4j's own time), so the tests move it forward instead of sleeping.
 */
@TestConfiguration(proxyBeanMethods = false)
class RateLimitTestClock {

    @Bean
    MutableClock testClock() {
        return new MutableClock(Instant.now());
    }

    /** A clock the tests move forward. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
