package com.pipelinepulse.session;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
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
 */
@Validated
@ConfigurationProperties("pipelinepulse.session")
record SessionProperties(
        @NotNull @DurationUnit(ChronoUnit.MINUTES) Duration accessTokenLifetime,
        @NotNull Duration idleTimeout,
        @NotNull Duration absoluteLifetime,
        @NotNull Duration refreshGraceWindow,
        @NotNull Duration clockSkew,
        @NotBlank String audience) {
}
