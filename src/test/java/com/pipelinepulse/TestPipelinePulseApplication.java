package com.pipelinepulse;

import com.pipelinepulse.testsupport.ZohoStandInServer;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The API for a machine without Docker or Zoho credentials: {@code ./mvnw spring-boot:test-run}.
 *
 * <p>Starts the repository's Zoho stand-in in-process on {@code PP_STAND_IN_PORT} (default 8090), then the real
 * application in the {@code local} profile pointed at it. PostgreSQL comes from {@code PP_DATABASE_URL} (with
 * {@code PP_DATABASE_USERNAME}, {@code PP_DATABASE_PASSWORD}); without it, from Testcontainers when a Docker engine
 * answers; otherwise the {@code local} profile's default {@code jdbc:postgresql://localhost:5432/pipelinepulse}.
 * When ready it prints the URL to open and the stand-in's sample users. The stand-in's CRM holds
 * {@code PP_STAND_IN_DEALS} generated deals (default 500): sign in as Ada Admin, make her the sync account
 * ({@code PUT /api/admin/pipeline/sync-account}) and press sync ({@code POST /api/admin/pipeline/sync}).
 */
public class TestPipelinePulseApplication {

    public static void main(String[] args) {
        ZohoStandInServer standIn = ZohoStandInServer.start(Integer.parseInt(setting("PP_STAND_IN_PORT", "8090")),
                Integer.parseInt(setting("PP_STAND_IN_DEALS", Integer.toString(ZohoStandInServer.DEFAULT_DEALS))));
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "zoho-stand-in-stop"));

        // System properties outrank the configuration files, so the stand-in wins over any Zoho URL there.
        standIn.apiSettings().forEach((name, value) -> {
            if (!name.startsWith("PP_ZOHO_CLIENT") || setting(name, null) == null) {
                System.setProperty(name, value);
            }
        });
        if (setting("PP_ZOHO_REDIRECT_URI", null) == null) {
            // Resolved by Spring when read, so it follows SERVER_PORT.
            System.setProperty("pipelinepulse.zoho.redirect-uri", "http://localhost:${server.port}/api/zoho/auth/callback");
        }
        System.setProperty("pp.stand-in.base-url", standIn.baseUrl());
        // This main runs on the test classpath, where Boot's Docker Compose support is present: never start it here.
        System.setProperty("spring.docker.compose.enabled", "false");

        SpringApplication.from(PipelinePulseApplication::main)
                .with(LocalDatabase.class, ReadyBanner.class)
                .withAdditionalProfiles("local")
                .run(args);
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? fallback : value;
    }

    /** PostgreSQL from Testcontainers, only when no PP_DATABASE_URL is given and a Docker engine answers. */
    @TestConfiguration(proxyBeanMethods = false)
    static class LocalDatabase {

        @Bean
        @ServiceConnection
        @Conditional(NoDatabaseUrlButDocker.class)
        PostgreSQLContainer<?> localPostgres() {
            return new PostgreSQLContainer<>("postgres:15-alpine");
        }
    }

    static final class NoDatabaseUrlButDocker implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            if (setting("PP_DATABASE_URL", null) != null) {
                return false;
            }
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    /**
     * Says where to go once the API is ready: printed on the console as it is, not logged, because the log encoders
     * keep every event on one line and mask email addresses (the sample users' are placeholders, shown whole).
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class ReadyBanner {

        @Bean
        ApplicationListener<ApplicationReadyEvent> printWhereToGo(Environment environment) {
            return event -> System.out.println(banner(environment));
        }

        static String banner(Environment environment) {
            String api = "http://localhost:" + environment.getProperty("local.server.port");
            String users = ZohoStandInServer.sampleUsers().stream()
                    .map(u -> String.format("  %-11s %-14s %-26s data centre %s (%s)", u.key(), u.name(), u.email(),
                            u.loc(), u.country()))
                    .collect(Collectors.joining("\n"));
            return """

                    Pipeline Pulse API is up in the local profile with the in-process Zoho stand-in.
                      Open the sign-in:  %s/api/zoho/auth?return_to=/
                      (after the stand-in's page the API sends the browser to the SPA at %s:
                       the SPA is not part of this repository; without it nothing answers there, see README.md)
                      Zoho stand-in:     %s
                      Health:            http://localhost:%s/actuator/health
                    Sample users on the stand-in's sign-in page:
                    %s
                    Stop with Ctrl-C.
                    """.formatted(api, environment.getProperty("pipelinepulse.spa.base-url", "?"),
                    environment.getProperty("pp.stand-in.base-url", "?"),
                    environment.getProperty("local.management.port"), users);
        }
    }
}
