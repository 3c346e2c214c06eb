package com.pipelinepulse.database;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the service connects to PostgreSQL (the URL and user come from {@code spring.datasource.*} /
 * {@code PP_DATABASE_URL}, {@code PP_DATABASE_USERNAME}; the password from the secrets module).
 *
 * @param iamAuth        try RDS IAM authentication first for every new physical connection
 * @param region         AWS region of the RDS instance (required with {@code iamAuth})
 * @param poolSize       maximum number of pooled connections
 * @param connectTimeout TCP connect timeout of one physical connection
 * @param migrationUsername the owner role Flyway connects as ({@code PP_DATABASE_MIGRATION_USERNAME}; its password
 *                       is the secret {@code DATABASE_MIGRATION_PASSWORD}); blank: Flyway uses the service's user
 *                       (one role for both, local development only, see docs/deployment.md)
 */
@Validated
@ConfigurationProperties("pipelinepulse.database")
record DatabaseProperties(@DefaultValue("false") boolean iamAuth, String region,
        @DefaultValue("10") @Min(1) int poolSize, @DefaultValue("10s") @NotNull Duration connectTimeout,
        String migrationUsername) {

    boolean hasMigrationUser() {
        return migrationUsername != null && !migrationUsername.isBlank();
    }
}
