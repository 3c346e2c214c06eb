package com.pipelinepulse.session;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * Lifetimes of access tokens and sessions (docs/authentication.md, docs/jwt.md).
 *
 * @param accessTokenLifetime  JWT lifetime; a bare number means minutes
 * @param idleTimeout          a session not refreshed for this long ends
 * @param absoluteLifetime     a session ends this long after sign-in, however active
 * @param refreshGraceWindow   how long after rotation the previous refresh token is still accepted once
 *                             (concurrent tabs refreshing at the same moment)
 * @param clockSkew            tolerance for {@code exp}, {@code nbf} and {@code iat} when verifying JWTs
 * @param audience             the JWT {@code aud} this API issues and accepts
 * @param verifiedTokenCacheSize how many verified access tokens each instance remembers (docs/jwt.md,
 *                             "Verified-token cache"); 0 turns the cache off
 * @param refreshBatchSize     at most this many refreshes written in one statement and one commit
 *                             (docs/authentication.md, "Several refreshes per commit under load"); 1 writes each alone
 * @param refreshBatchConcurrency how many such writes may run at once (each holds one pooled connection)
 */
@Validated
@ConfigurationProperties("pipelinepulse.session")
record SessionProperties(
        @NotNull @DurationUnit(ChronoUnit.MINUTES) Duration accessTokenLifetime,
        @NotNull Duration idleTimeout,
        @NotNull Duration absoluteLifetime,
        @NotNull Duration refreshGraceWindow,
        @NotNull Duration clockSkew,
        @NotBlank String audience,
        @DefaultValue("10000") @PositiveOrZero int verifiedTokenCacheSize,
        @DefaultValue("16") @Positive int refreshBatchSize,
        @DefaultValue("2") @Positive int refreshBatchConcurrency) {

    static final int DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;
    static final int DEFAULT_REFRESH_BATCH_SIZE = 16;
    static final int DEFAULT_REFRESH_BATCH_CONCURRENCY = 2;

    @ConstructorBinding
    SessionProperties {
    }

    /** The settings with the default cache size. */
    SessionProperties(Duration accessTokenLifetime, Duration idleTimeout, Duration absoluteLifetime,
            Duration refreshGraceWindow, Duration clockSkew, String audience) {
        this(accessTokenLifetime, idleTimeout, absoluteLifetime, refreshGraceWindow, clockSkew, audience,
                DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, DEFAULT_REFRESH_BATCH_SIZE, DEFAULT_REFRESH_BATCH_CONCURRENCY);
    }
}
