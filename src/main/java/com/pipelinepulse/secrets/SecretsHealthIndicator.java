package com.pipelinepulse.secrets;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code secrets}: for each secret, the source that serves it ({@code aws}, {@code env},
 * {@code generated} or {@code missing}) and the age of that value. Never a value. Always UP: a fallback is
 * a warning for operators, not a reason to take the instance out of service.
 */
final class SecretsHealthIndicator implements HealthIndicator {

    private final LayeredSecrets secrets;

    SecretsHealthIndicator(LayeredSecrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("aws", secrets.awsEnabled() ? "enabled" : "disabled");
        if (!secrets.failingGroups().isEmpty()) {
            health.withDetail("aws_failing", secrets.failingGroups());
        }
        secrets.status().forEach((name, served) -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("source", served.source().label);
            detail.put("age", Duration.between(served.since(), secrets.now()).withNanos(0).toString());
            health.withDetail(name.name(), detail);
        });
        return health.build();
    }
}
