package com.pipelinepulse.database;

import com.pipelinepulse.observability.BoundedHealthCheck;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code db}. It replaces Boot's, which waits for a pooled connection as long as any request
 * would (Hikari's {@code connection-timeout}, 5 s): while PostgreSQL is away a readiness probe must answer DOWN
 * promptly, not time out. This one answers within {@link #BOUND}.
 */
final class BoundedDatabaseHealthIndicator implements HealthIndicator, DisposableBean {

    static final Duration BOUND = Duration.ofSeconds(1);

    private final BoundedHealthCheck<Health> check;

    BoundedDatabaseHealthIndicator(DataSource dataSource) {
        this.check = new BoundedHealthCheck<>("db-health", BOUND, () -> check(dataSource));
    }

    @Override
    public Health health() {
        return check.run(() -> Health.down().withDetail("database", "PostgreSQL")
                .withDetail("error", "no working connection within " + BOUND.toMillis() + " ms").build());
    }

    private static Health check(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid((int) Math.max(1, BOUND.toSeconds()))) {
                return Health.up().withDetail("database", "PostgreSQL").build();
            }
            return Health.down().withDetail("database", "PostgreSQL")
                    .withDetail("error", "the connection did not answer").build();
        } catch (SQLException e) {
            // The class only: driver messages can carry host and user names.
            return Health.down().withDetail("database", "PostgreSQL")
                    .withDetail("error", e.getClass().getSimpleName()).build();
        }
    }

    @Override
    public void destroy() {
        check.close();
    }
}
