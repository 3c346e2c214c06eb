package com.pipelinepulse.ratelimit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Rate limits and failure throttling ({@code pipelinepulse.ratelimit.*}). Every limit is a token bucket: up to
 * {@code capacity} requests at once, refilled with {@code refill-tokens} every {@code refill-period}. Defaults are
 * sized for an office of a few hundred people behind one NAT address (docs/configuration.md).
 */
@Validated
@ConfigurationProperties("pipelinepulse.ratelimit")
record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @Valid Limit signIn,
        @Valid Limit authRefresh,
        @Valid Limit zohoRefresh,
        @Valid Limit zohoConnectionTest,
        @Valid Limit adminWrites,
        @Valid @DefaultValue Failures failures) {

    static final Limit SIGN_IN_DEFAULT = new Limit(240, 120, Duration.ofMinutes(1));
    static final Limit AUTH_REFRESH_DEFAULT = new Limit(600, 300, Duration.ofMinutes(1));
    static final Limit ZOHO_REFRESH_DEFAULT = new Limit(10, 10, Duration.ofMinutes(10));
    static final Limit ZOHO_CONNECTION_TEST_DEFAULT = new Limit(10, 10, Duration.ofMinutes(1));
    static final Limit ADMIN_WRITES_DEFAULT = new Limit(60, 60, Duration.ofMinutes(1));

    RateLimitProperties {
        signIn = Limit.orDefault(signIn, SIGN_IN_DEFAULT);
        authRefresh = Limit.orDefault(authRefresh, AUTH_REFRESH_DEFAULT);
        zohoRefresh = Limit.orDefault(zohoRefresh, ZOHO_REFRESH_DEFAULT);
        zohoConnectionTest = Limit.orDefault(zohoConnectionTest, ZOHO_CONNECTION_TEST_DEFAULT);
        adminWrites = Limit.orDefault(adminWrites, ADMIN_WRITES_DEFAULT);
    }

    Limit limitFor(LimitedEndpoint endpoint) {
        return switch (endpoint) {
            case SIGN_IN -> signIn;
            case AUTH_REFRESH -> authRefresh;
            case ZOHO_REFRESH -> zohoRefresh;
            case ZOHO_CONNECTION_TEST -> zohoConnectionTest;
            case ADMIN_WRITES -> adminWrites;
        };
    }

    /** A token bucket; any member left out takes the endpoint's default. */
    record Limit(@Min(1) Integer capacity, @Min(1) Integer refillTokens, Duration refillPeriod) {

        static Limit orDefault(Limit given, Limit fallback) {
            if (given == null) {
                return fallback;
            }
            return new Limit(given.capacity != null ? given.capacity : fallback.capacity,
                    given.refillTokens != null ? given.refillTokens : fallback.refillTokens,
                    given.refillPeriod != null ? given.refillPeriod : fallback.refillPeriod);
        }

        /** Changes whenever the limit does, so that a new limit starts with fresh buckets on every instance. */
        String fingerprint() {
            return Integer.toHexString((capacity + "/" + refillTokens + "/" + refillPeriod.toMillis()).hashCode());
        }
    }

    /**
     * Failure throttling per client address.
     *
     * @param threshold   consecutive failed sign-ins or refreshes before the first wait
     * @param step        how much longer each further wait is
     * @param maxWait     the longest wait
     * @param forgetAfter a failure older than this no longer counts towards the next one
     */
    record Failures(@DefaultValue("30") @Min(1) int threshold, @DefaultValue("1m") Duration step,
            @DefaultValue("15m") Duration maxWait, @DefaultValue("24h") Duration forgetAfter) {
    }
}
