package com.pipelinepulse.testsupport;

import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.testcontainers.containers.PostgreSQLContainer;

/** Points every test application context at {@link TestDatabase}. */
@TestConfiguration(proxyBeanMethods = false)
public class TestDatabaseConfiguration {

    @Bean
    @Conditional(ExternalDatabase.class)
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

    // Shared by every context of this JVM: never stopped by a context closing.
    @Bean(destroyMethod = "")
    @ServiceConnection
    @Conditional(ContainerDatabase.class)
    PostgreSQLContainer<?> postgresContainer() {
        return TestDatabase.container();
    }

    static final class ExternalDatabase implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return TestDatabase.externalDatabaseConfigured();
        }
    }

    static final class ContainerDatabase implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !TestDatabase.externalDatabaseConfigured();
        }
    }
}
