package com.pipelinepulse.database;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code databaseAuth}: how the last database connection authenticated ({@code auth}:
 * {@code iam}, {@code password} or {@code password-fallback}) and how many times IAM fell back. UP either
 * way: a fallback still serves, operators see it here and in the metric.
 */
final class DatabaseAuthHealthIndicator implements HealthIndicator {

    private final DatabaseAuthentication authentication;

    DatabaseAuthHealthIndicator(DatabaseAuthentication authentication) {
        this.authentication = authentication;
    }

    @Override
    public Health health() {
        return Health.up().withDetail("auth", authentication.mode().label)
                .withDetail("iam_fallbacks", (long) authentication.fallbackCount()).build();
    }
}
