package com.pipelinepulse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.testsupport.AwsSecretsManagerStandIn;
import com.pipelinepulse.testsupport.TestKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The real AWS SDK client, pointed at a WireMock server that speaks the Secrets Manager protocol.
 */
@ExtendWith(OutputCaptureExtension.class)
class LayeredSecretsAwsTests {

    private final AwsSecretsManagerStandIn aws = new AwsSecretsManagerStandIn();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final MockEnvironment environment = new MockEnvironment();
    private SecretsManagerClient client;
    private LayeredSecrets secrets;

    private final String awsJwt = TestKeys.keyRing("aws1", 256);
    private final String awsEncryption = TestKeys.keyRing("enc1", 256);
    private final String awsPassword = TestKeys.password();
    private final String awsZohoSecret = TestKeys.password();
    private final String envJwt = TestKeys.keyRing("env1", 256);
    private final String envPassword = TestKeys.password();
    private final String envZohoSecret = TestKeys.password();

    @org.junit.jupiter.api.BeforeAll
    static void quietLibraries() {
        // Outside Spring Boot, Logback defaults to DEBUG for everything; production logs at INFO.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @BeforeEach
    void environment() {
        environment.setProperty("PP_JWT_KEYS", envJwt);
        environment.setProperty("PP_DATABASE_PASSWORD", envPassword);
        environment.setProperty("PP_ZOHO_CLIENT_SECRET", envZohoSecret);
    }

    @AfterEach
    void close() {
        if (secrets != null) {
            secrets.stop();
        }
        if (client != null) {
            client.close();
        }
        aws.close();
    }

    @Test
    void valuesComeFromAwsAndHealthShowsEachSourceWithoutValues() {
        serveAllFromAws();

        start(Duration.ofMinutes(5));

        assertThat(secrets.require(SecretName.JWT_KEYS)).isEqualTo(awsJwt);
        assertThat(secrets.require(SecretName.ENCRYPTION_KEYS)).isEqualTo(awsEncryption);
        assertThat(secrets.require(SecretName.DATABASE_PASSWORD)).isEqualTo(awsPassword);
        assertThat(secrets.require(SecretName.ZOHO_CLIENT_SECRET)).isEqualTo(awsZohoSecret);
        // The zoho secret has no client_id field: that one comes from the environment, or nowhere.
        assertThat(secrets.find(SecretName.ZOHO_CLIENT_ID)).isEmpty();

        Health health = new SecretsHealthIndicator(secrets).health();
        assertThat(health.getDetails()).containsEntry("aws", "enabled");
        assertThat(source(health, SecretName.JWT_KEYS)).isEqualTo("aws");
        assertThat(source(health, SecretName.DATABASE_PASSWORD)).isEqualTo("aws");
        assertThat(source(health, SecretName.ZOHO_CLIENT_ID)).isEqualTo("missing");
        assertThat(detail(health, SecretName.JWT_KEYS)).containsKey("age");
        assertThat(health.toString()).doesNotContain(awsJwt, awsPassword, awsZohoSecret, awsEncryption);

        // ASVS 13.3.2: the service only reads (GetSecretValue), and only its own environment's secrets: what the
        // documented IAM policy (deployment.md) grants, and nothing it would need more rights for.
        assertThat(aws.server().getAllServeEvents()).isNotEmpty().allSatisfy(served -> {
            assertThat(served.getRequest().getHeader("X-Amz-Target")).isEqualTo("secretsmanager.GetSecretValue");
            assertThat(served.getRequest().getBodyAsString()).containsPattern("\"SecretId\"\\s*:\\s*\"pipeline-pulse/test/");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"500", "timeout", "refused"})
    void whenAwsCannotServeAtStartValuesComeFromTheEnvironment(String failure, CapturedOutput output)
            throws IOException {
        String endpoint = aws.endpoint();
        switch (failure) {
            case "500" -> aws.failEverything();
            case "timeout" -> aws.delayEverything(5_000);
            default -> endpoint = "http://127.0.0.1:" + freePort();
        }

        long started = System.nanoTime();
        start(endpoint, Duration.ofMinutes(5), Duration.ofSeconds(1));
        Duration startUp = Duration.ofNanos(System.nanoTime() - started);

        assertThat(startUp).isLessThan(Duration.ofSeconds(4));
        assertThat(secrets.require(SecretName.JWT_KEYS)).isEqualTo(envJwt);
        assertThat(secrets.require(SecretName.DATABASE_PASSWORD)).isEqualTo(envPassword);
        assertThat(secrets.require(SecretName.ZOHO_CLIENT_SECRET)).isEqualTo(envZohoSecret);

        Health health = new SecretsHealthIndicator(secrets).health();
        assertThat(source(health, SecretName.JWT_KEYS)).isEqualTo("env");
        assertThat(source(health, SecretName.DATABASE_PASSWORD)).isEqualTo("env");

        // One WARN per secret, naming it, never the value; counted; published once the context is ready.
        assertThat(warnings(output, "Secret JWT_KEYS could not be read from AWS secret pipeline-pulse/test/jwt"))
                .isEqualTo(1);
        assertThat(warnings(output, "Secret DATABASE_PASSWORD could not be read")).isEqualTo(1);
        assertThat(output.getAll()).doesNotContain(envJwt, envPassword, envZohoSecret);
        assertThat(meters.counter(LayeredSecrets.FALLBACK_METRIC, "secret", "JWT_KEYS", "source", "env").count())
                .isEqualTo(1.0);
        assertThat(events).isEmpty();
        secrets.eventsReady();
        assertThat(events).filteredOn(SecurityEvent.class::isInstance).map(SecurityEvent.class::cast)
                .filteredOn(e -> e.type().equals(SecurityEvent.Types.SECRETS_FALLBACK))
                .extracting(SecurityEvent::subject)
                .containsExactlyInAnyOrder(java.util.Arrays.stream(SecretName.values()).map(Enum::name)
                        .toArray(String[]::new));
    }

    @Test
    void aRotatedValueIsServedAfterTheTtlAndAFailedRefreshKeepsTheLastGoodValue(CapturedOutput output) {
        serveAllFromAws();
        start(Duration.ofMillis(300));
        assertThat(secrets.require(SecretName.JWT_KEYS)).isEqualTo(awsJwt);

        String rotated = TestKeys.keyRing("aws2", 256) + "," + awsJwt;
        aws.secret("pipeline-pulse/test/jwt", Map.of("keys", rotated));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> secrets.require(SecretName.JWT_KEYS).equals(rotated));
        assertThat(secrets.keyRing(SecretName.JWT_KEYS).activeKid()).isEqualTo("aws2");

        aws.failEverything();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.counter(LayeredSecrets.REFRESH_FAILURE_METRIC, "group", "jwt").count() >= 2);
        assertThat(secrets.require(SecretName.JWT_KEYS)).isEqualTo(rotated);
        assertThat(source(new SecretsHealthIndicator(secrets).health(), SecretName.JWT_KEYS)).isEqualTo("aws");
        assertThat(warnings(output, "Refreshing AWS secret pipeline-pulse/test/jwt failed")).isEqualTo(1);
        assertThat(output.getAll()).doesNotContain(rotated, awsPassword);
    }

    private void serveAllFromAws() {
        aws.secret("pipeline-pulse/test/jwt", Map.of("keys", awsJwt));
        aws.secret("pipeline-pulse/test/encryption", Map.of("keys", awsEncryption));
        aws.secret("pipeline-pulse/test/database", Map.of("password", awsPassword, "username", "app"));
        aws.secret("pipeline-pulse/test/zoho", Map.of("client_secret", awsZohoSecret));
    }

    /** A generous call budget: these tests are about values, not about a slow first call on a busy machine. */
    private void start(Duration ttl) {
        start(aws.endpoint(), ttl, Duration.ofSeconds(10));
    }

    private void start(String endpoint, Duration ttl, Duration timeout) {
        SecretsProperties.Aws settings = new SecretsProperties.Aws(true, "eu-west-1", "pipeline-pulse", "test",
                endpoint, ttl, timeout);
        client = new SecretsConfiguration().secretsManagerClient(new SecretsProperties(settings));
        secrets = new LayeredSecrets(settings, new AwsSecretGroupReader(client, settings,
                new com.fasterxml.jackson.databind.ObjectMapper()), new EnvironmentSecrets(environment), meters,
                events::add, Clock.systemUTC());
        secrets.start();
    }

    private static String source(Health health, SecretName name) {
        return String.valueOf(detail(health, name).get("source"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health, SecretName name) {
        return (Map<String, Object>) health.getDetails().get(name.name());
    }

    private static long warnings(CapturedOutput output, String text) {
        return output.getAll().lines().filter(l -> l.contains("WARN") && l.contains(text)).count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
