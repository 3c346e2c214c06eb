package com.pipelinepulse.testsupport;

import org.springframework.boot.autoconfigure.flyway.FlywayConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Points every test application context at {@link TestDatabase}: the pool connects as the run's service role,
 * Flyway as the owner role (the two roles of docs/deployment.md).
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestDatabaseConfiguration {

    @Bean
    JdbcConnectionDetails testDatabaseConnectionDetails() {
        TestDatabase.Coordinates db = TestDatabase.coordinates();
        return new JdbcConnectionDetails() {
            @Override
            public String getJdbcUrl() {
                return db.url();
            }

            @Override
            public String getUsername() {
                return db.username();
            }

            @Override
            public String getPassword() {
                return db.password();
            }
        };
    }

    @Bean
    FlywayConnectionDetails testDatabaseMigrationDetails() {
        TestDatabase.Coordinates db = TestDatabase.coordinates();
        return new FlywayConnectionDetails() {
            @Override
            public String getJdbcUrl() {
                return db.url();
            }

            @Override
            public String getUsername() {
                return db.ownerUsername();
            }

            @Override
            public String getPassword() {
                return db.ownerPassword();
            }
        };
    }
}
