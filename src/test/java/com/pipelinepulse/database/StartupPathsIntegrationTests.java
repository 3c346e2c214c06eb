package com.pipelinepulse.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.PipelinePulseApplication;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.testsupport.AwsSecretsManagerStandIn;
import com.pipelinepulse.testsupport.PostgresPasswordGate;
import com.pipelinepulse.testsupport.SigV4PresignedToken;
import com.pipelinepulse.testsupport.TestDatabase;
import com.pipelinepulse.testsupport.TestKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

/**
 * The production configuration (no profile) starting in each secrets and database-authentication path,
 * on the real PostgreSQL behind {@link PostgresPasswordGate}, with the real AWS SDK talking to a Secrets
 * Manager stand-in. Each start-up's whole log output is searched for every secret value and every
 * credential presented to the database.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupPathsIntegrationTests {

    private static final String REGION = "eu-west-1";

    private final AwsSecretsManagerStandIn aws = new AwsSecretsManagerStandIn();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        aws.close();
    }

    @Test
    void secretsFromAwsAndIamAuthentication(CapturedOutput output) throws Exception {
        String jwt = TestKeys.keyRing("k1", 256);
        String encryption = TestKeys.keyRing("e1", 256);
        String dbPassword = TestKeys.password();
        String zohoSecret = TestKeys.password();
        aws.secret("pipeline-pulse/it/jwt", Map.of("keys", jwt));
        aws.secret("pipeline-pulse/it/encryption", Map.of("keys", encryption));
        String migrationPassword = TestKeys.password();
        aws.secret("pipeline-pulse/it/database", Map.of("password", dbPassword, "migration_password", migrationPassword));
        aws.secret("pipeline-pulse/it/zoho", Map.of("client_id", "1000.it", "client_secret", zohoSecret));
        int[] gatePort = {0};
        PostgresPasswordGate gate = gate((user, password) -> isOwner(user) ? password.equals(migrationPassword)
                : validIamToken(password, user, gatePort[0]));
        gatePort[0] = gate.port();

        ConfigurableApplicationContext app = start(gate, true, "--pipelinepulse.secrets.aws.enabled=true");

        assertThat(JdbcClient.create(app.getBean(javax.sql.DataSource.class)).sql("select current_user")
                .query(String.class).single()).isEqualTo(TestDatabase.coordinates().username());
        JsonNode health = health(app);
        assertThat(health.at("/components/secrets/details/JWT_KEYS/source").asText()).isEqualTo("aws");
        assertThat(health.at("/components/secrets/details/DATABASE_PASSWORD/source").asText()).isEqualTo("aws");
        assertThat(health.at("/components/databaseAuth/details/auth").asText()).isEqualTo("iam");
        assertThat(gate.outcomes()).isNotEmpty().containsOnly(true);
        assertThat(gate.encrypted()).as("every credential went over verified TLS").containsOnly(true);
        // One token served every connection the pool opened at start (it is reused until near expiry).
        // Flyway connected as the owner role with the migration password from AWS, the pool as the service role.
        assertThat(gate.passwordsSeen()).contains(migrationPassword);
        List<String> poolPasswords = gate.passwordsSeen().stream().filter(p -> !p.equals(migrationPassword)).toList();
        assertThat(poolPasswords).hasSizeGreaterThanOrEqualTo(2).containsOnly(poolPasswords.get(0));

        assertNoSecretLogged(output, gate, jwt, encryption, dbPassword, zohoSecret, migrationPassword);
        assertThat(output.getAll()).doesNotContain("could not be read from AWS", "RDS IAM authentication");
    }

    @Test
    void environmentFallbackAndPasswordFallback(CapturedOutput output) throws Exception {
        aws.failEverything();
        String jwt = TestKeys.keyRing("k1", 256);
        String dbPassword = TestKeys.password();
        String migrationPassword = TestKeys.password();
        PostgresPasswordGate gate = gate((user, password) -> password.equals(isOwner(user) ? migrationPassword
                : dbPassword));

        // TLS set as driver properties this time: the pool and Flyway's owner connections both take them.
        ConfigurableApplicationContext app = start(gate, false, "--pipelinepulse.secrets.aws.enabled=true",
                "--PP_JWT_KEYS=" + jwt, "--PP_ENCRYPTION_KEYS=" + TestKeys.keyRing("e1", 256),
                "--PP_DATABASE_PASSWORD=" + dbPassword, "--PP_DATABASE_MIGRATION_PASSWORD=" + migrationPassword);

        assertThat(JdbcClient.create(app.getBean(javax.sql.DataSource.class)).sql("select 1")
                .query(Integer.class).single()).isEqualTo(1);
        JsonNode health = health(app);
        assertThat(health.at("/components/secrets/details/JWT_KEYS/source").asText()).isEqualTo("env");
        assertThat(health.at("/components/secrets/details/DATABASE_PASSWORD/source").asText()).isEqualTo("env");
        assertThat(health.at("/components/databaseAuth/details/auth").asText()).isEqualTo("password-fallback");
        assertThat(gate.outcomes()).contains(false, true);
        assertThat(gate.encrypted()).as("the fallback password went over verified TLS too").containsOnly(true);

        MeterRegistry meters = app.getBean(MeterRegistry.class);
        // Every pooled connection tried IAM, was refused and came in with the password: one fallback each. The pool
        // fills in the background and a connection is counted just after the gate saw its password, so both are
        // read again until the pool has stopped opening connections.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long passwordConnections = gate.passwordsSeen().stream().filter(dbPassword::equals).count();
            assertThat(passwordConnections).isPositive();
            assertThat(meters.counter(DatabaseAuthentication.FALLBACK_METRIC).count()).isEqualTo(passwordConnections);
        });
        assertThat(meters.counter("pipelinepulse.secrets.fallback", "secret", "JWT_KEYS", "source", "env").count())
                .isEqualTo(1.0);
        assertThat(warnings(output, "RDS IAM authentication for database user")).isEqualTo(1);
        assertThat(warnings(output, "Secret JWT_KEYS could not be read from AWS secret pipeline-pulse/it/jwt"))
                .isEqualTo(1);
        assertThat(app.getBean(SecurityEventRecorder.class).events)
                .filteredOn(e -> e.type().equals(SecurityEvent.Types.SECRETS_FALLBACK))
                .extracting(SecurityEvent::subject).contains("JWT_KEYS", "DATABASE_PASSWORD");

        assertNoSecretLogged(output, gate, jwt, dbPassword, migrationPassword);
    }

    /** @param tlsInUrl verify-full in the JDBC URL, else as the pool's driver properties */
    private ConfigurableApplicationContext start(PostgresPasswordGate gate, boolean tlsInUrl, String... extra) {
        TestDatabase.Coordinates db = TestDatabase.coordinates();
        URI target = URI.create(db.url().substring("jdbc:".length()));
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                // IAM outside the local profile only towards a verified server (issue 14 item 11): as on RDS.
                "--spring.datasource.url=" + db.url().replace(target.getHost() + ":" + target.getPort(),
                        "127.0.0.1:" + gate.port()) + (!tlsInUrl ? "" : (db.url().contains("?") ? "&" : "?")
                        + "sslmode=verify-full&sslrootcert=" + gate.rootCertificate()),
                "--spring.datasource.username=" + db.username(),
                "--PP_DATABASE_MIGRATION_USERNAME=" + db.ownerUsername(),
                "--pipelinepulse.secrets.aws.region=" + REGION,
                "--pipelinepulse.secrets.aws.environment=it",
                "--pipelinepulse.secrets.aws.endpoint=" + aws.endpoint(),
                "--pipelinepulse.database.iam-auth=true",
                "--pipelinepulse.database.region=" + REGION,
                "--pipelinepulse.database.pool-size=3",
                "--pipelinepulse.zoho.redirect-uri=https://api.example.com/api/zoho/auth/callback", "--pipelinepulse.spa.base-url=https://app.example.com",
                "--pipelinepulse.identity.allowed-zoho-orgs=4000000000000001",
                // No scheduled sync: these instances share the schema of the tests that start their own runs.
                "--pipelinepulse.pipeline.sync-interval=0"));
        if (!tlsInUrl) {
            args.add("--spring.datasource.hikari.data-source-properties.sslmode=verify-full");
            args.add("--spring.datasource.hikari.data-source-properties.sslrootcert=" + gate.rootCertificate());
        }
        args.addAll(List.of(extra));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(PipelinePulseApplication.class,
                SecurityEventRecorder.class).run(args.toArray(String[]::new));
        resources.add(app);
        return app;
    }

    private PostgresPasswordGate gate(java.util.function.BiPredicate<String, String> accepts) throws Exception {
        URI target = URI.create(TestDatabase.coordinates().url().substring("jdbc:".length()));
        PostgresPasswordGate gate = PostgresPasswordGate.withTls(target.getHost(), target.getPort(), accepts);
        resources.add(gate);
        return gate;
    }

    private static boolean isOwner(String user) {
        return user.equals(TestDatabase.coordinates().ownerUsername());
    }

    /** What RDS checks: a SigV4 presigned connect request for this host, port, user and region. */
    private static boolean validIamToken(String password, String user, int port) {
        try {
            SigV4PresignedToken token = SigV4PresignedToken.parse(password);
            return token.hostAndPort().equals("127.0.0.1:" + port) && user.equals(token.decoded("DBUser"))
                    && "connect".equals(token.decoded("Action")) && REGION.equals(token.credentialScope()[2])
                    && "rds-db".equals(token.credentialScope()[3])
                    && token.signatureValidFor(System.getProperty("aws.secretAccessKey"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static JsonNode health(ConfigurableApplicationContext app) throws Exception {
        String body = RestClient.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.management.port"))
                .get().uri("/actuator/health").retrieve().body(String.class);
        return new ObjectMapper().readTree(body);
    }

    private static void assertNoSecretLogged(CapturedOutput output, PostgresPasswordGate gate, String... secrets) {
        String log = output.getAll();
        assertThat(log).contains("Tomcat started on port");
        List<String> values = new ArrayList<>(List.of(secrets));
        for (String secret : secrets) {
            if (secret.contains(":")) {
                values.add(secret.substring(secret.indexOf(':') + 1)); // the key material alone
            }
        }
        values.addAll(gate.passwordsSeen());
        values.add(System.getProperty("aws.secretAccessKey"));
        gate.passwordsSeen().forEach(p -> {
            int signature = p.indexOf("X-Amz-Signature=");
            if (signature >= 0) {
                values.add(p.substring(signature + "X-Amz-Signature=".length()));
            }
        });
        for (String value : values) {
            assertThat(log).as("the log must not contain a secret value").doesNotContain(value);
        }
    }

    private static long warnings(CapturedOutput output, String text) {
        return output.getAll().lines().filter(l -> l.contains("WARN") && l.contains(text)).count();
    }

    /** Collects the security events the application publishes (registered as an extra source, not scanned). */
    static class SecurityEventRecorder {
        final List<SecurityEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(SecurityEvent event) {
            events.add(event);
        }
    }
}
