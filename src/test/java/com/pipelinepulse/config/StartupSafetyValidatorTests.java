package com.pipelinepulse.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.testsupport.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Each refusal of the start-up validator, in a real (small) application context: the context fails with
 * a message naming the problem and never the value. The whole production configuration starting is shown
 * by {@code RouteInventoryIntegrationTests}.
 */
class StartupSafetyValidatorTests {

    private static final String HTTPS_REDIRECT = "https://api.example.com/api/zoho/auth/callback";

    private final Map<SecretName, String> secretValues = new EnumMap<>(SecretName.class);

    @org.junit.jupiter.api.BeforeEach
    void encryptionKeys() {
        secretValues.put(SecretName.ENCRYPTION_KEYS, TestKeys.keyRing("e1", 256));
    }

    @Test
    void refusesAMissingEncryptionKeyRing() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        secretValues.remove(SecretName.ENCRYPTION_KEYS);
        production().run(context -> assertRefused(context, "the encryption key ring is missing"));
    }

    @Test
    void refusesAnEncryptionKeyThatIsNot256Bits() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        secretValues.put(SecretName.ENCRYPTION_KEYS, TestKeys.keyRing("e2", 256) + "," + TestKeys.keyRing("old", 128));
        production().run(context -> assertRefused(context, "encryption key 'old' is not 256 bits"));
    }

    @Test
    void refusesAnActiveEncryptionKeyIdWithADot() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        String dotted = TestKeys.keyRing("2026.a", 256);
        secretValues.put(SecretName.ENCRYPTION_KEYS, dotted);
        production().run(context -> {
            assertRefused(context, "the active encryption key id '2026.a' contains '.'");
            assertThat(failure(context)).doesNotContain(dotted.substring("2026.a:".length()));
        });
    }

    @Test
    void acceptsAnEncryptionKeyIdWithADotBehindTheActiveKey() {
        // Kept to decrypt values stored under it; nothing new is written with it.
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        secretValues.put(SecretName.ENCRYPTION_KEYS, TestKeys.keyRing("e2", 256) + "," + TestKeys.keyRing("2026.a", 256));
        production().run(context -> assertThat(context).hasNotFailed());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "pipelinepulse.zoho.accounts-url|http://accounts.zoho.com",
            "pipelinepulse.zoho.data-centers|us=https://accounts.zoho.com,eu=http://accounts.zoho.eu",
            "pipelinepulse.spa.base-url|http://app.example.com",
            "pipelinepulse.cors.allowed-origins|https://app.example.com,http://other.example.com"})
    void refusesPlainHttpWhereSecretsOrTokensTravel(String setting, String value) {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues(setting + "=" + value)
                .run(context -> assertRefused(context, setting + " names a URL that is not https"));
    }

    @Test
    void acceptsHttpsEverywhere() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues("pipelinepulse.zoho.accounts-url=https://accounts.zoho.com",
                "pipelinepulse.zoho.data-centers=us=https://accounts.zoho.com,eu=https://accounts.zoho.eu",
                "pipelinepulse.spa.base-url=https://app.example.com",
                "pipelinepulse.cors.allowed-origins=https://app.example.com")
                .run(context -> assertThat(context).hasNotFailed());
    }

    private ApplicationContextRunner production() {
        return new ApplicationContextRunner()
                .withUserConfiguration(StartupSafetyConfiguration.class)
                .withBean(Secrets.class, () -> name -> Optional.ofNullable(secretValues.get(name)))
                .withPropertyValues(
                        StartupSafetyRules.REDIRECT_URI + "=" + HTTPS_REDIRECT,
                        "management.endpoints.web.exposure.include=health,info,prometheus",
                        "logging.level.root=INFO",
                        StartupSafetyRules.ALLOWED_ZOHO_ORGS + "=4000000000000001");
    }

    @Test
    void refusesToStartWhenAnyoneCouldSignIn() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        for (String[] none : new String[][] {{StartupSafetyRules.ALLOWED_ZOHO_ORGS + "="},
                {StartupSafetyRules.ALLOWED_ZOHO_ORGS + "= , ", StartupSafetyRules.ALLOWED_EMAIL_DOMAINS + "="}}) {
            production().withPropertyValues(none).run(context -> {
                assertRefused(context, "nobody is kept from signing in");
                assertThat(failure(context)).contains("PP_ZOHO_ALLOWED_ORGS", "PP_ALLOWED_EMAIL_DOMAINS");
            });
        }
        // Either list alone is enough; the test and local profiles are exempt (their files set both anyway).
        production().withPropertyValues(StartupSafetyRules.ALLOWED_ZOHO_ORGS + "=",
                        StartupSafetyRules.ALLOWED_EMAIL_DOMAINS + "=example.com")
                .run(context -> assertThat(context).hasNotFailed());
        production().withPropertyValues(StartupSafetyRules.ALLOWED_ZOHO_ORGS + "=", "spring.profiles.active=test")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aProductionLikeConfigurationStarts() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256) + "," + TestKeys.keyRing("k0", 512));
        production().run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void refusesAMissingJwtKey() {
        production().run(context -> assertRefused(context, "the JWT key ring is missing"));
    }

    @Test
    void refusesBeforeAnyDataSourceIsCreated() {
        java.util.concurrent.atomic.AtomicBoolean created = new java.util.concurrent.atomic.AtomicBoolean();
        production().withBean("dataSource", javax.sql.DataSource.class, () -> {
            created.set(true);
            return new org.springframework.jdbc.datasource.SimpleDriverDataSource();
        }).run(context -> {
            assertRefused(context, "the JWT key ring is missing");
            assertThat(created).isFalse();
        });
    }

    @Test
    void refusesAJwtKeyShorterThan256Bits() {
        String shortKey = TestKeys.keyRing("short", 248);
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256) + "," + shortKey);
        production().run(context -> {
            assertRefused(context, "JWT key 'short' is shorter than 256 bits");
            assertThat(failure(context)).doesNotContain(shortKey.substring(6));
        });
    }

    @Test
    void refusesAMalformedKeyRingWithoutQuotingIt() {
        String malformed = TestKeys.randomBase64Url(40);
        secretValues.put(SecretName.JWT_KEYS, malformed);
        production().run(context -> {
            assertRefused(context, "the JWT key ring is malformed: key ring entry 1 is not of the form");
            assertThat(failure(context)).doesNotContain(malformed);
        });
    }

    /** The sample values as docs/configuration.md documents them (the code keeps only their digests). */
    static List<String> documentedSampleKeys() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/configuration.md"));
        int start = doc.indexOf("documented sample value (");
        String list = doc.substring(start, doc.indexOf(")", start));
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("`([^`]+)`").matcher(list);
        List<String> samples = new java.util.ArrayList<>();
        while (quoted.find()) {
            samples.add(quoted.group(1));
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(3);
        return samples;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("documentedSampleKeys")
    void refusesADocumentedSampleKey(String sample) {
        // As the key text itself (the old product's form) ...
        secretValues.put(SecretName.JWT_KEYS, "k1:" + sample);
        production().run(context -> {
            assertRefused(context, "documented sample value");
            assertThat(failure(context)).doesNotContain(sample);
        });
        // ... and base64url-encoded, which decodes to the sample.
        secretValues.put(SecretName.JWT_KEYS, "k1:" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sample.getBytes(StandardCharsets.UTF_8)));
        production().run(context -> assertRefused(context, "JWT key 'k1' is a documented sample value"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.example.com/api/zoho/auth/callback", "/api/zoho/auth/callback",
            "ftp://api.example.com/cb"})
    void refusesARedirectUriThatIsNotHttps(String uri) {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues(StartupSafetyRules.REDIRECT_URI + "=" + uri).run(context -> {
            assertRefused(context, "the OAuth redirect URI (pipelinepulse.zoho.redirect-uri) is not an https URL");
            assertThat(failure(context)).doesNotContain(uri);
        });
    }

    @Test
    void refusesAMissingRedirectUri() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues(StartupSafetyRules.REDIRECT_URI + "=")
                .run(context -> assertRefused(context, "the OAuth redirect URI is not set"));
    }

    @Test
    void refusesTheLocalProfileWithAwsSecrets() {
        production().withPropertyValues("spring.profiles.active=local", "pipelinepulse.secrets.aws.enabled=true")
                .run(context -> assertRefused(context,
                        "the local profile must not be combined with AWS secrets"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"logging.level.root=DEBUG", "logging.level.root=trace",
            "logging.level.com.pipelinepulse=DEBUG", "logging.level.com.pipelinepulse.secrets=TRACE"})
    void refusesDebugOrTraceLogging(String setting) {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        String logger = setting.substring("logging.level.".length(), setting.indexOf('='));
        production().withPropertyValues(setting)
                .run(context -> assertRefused(context, "log level of '" + logger + "' is "));
    }

    @Test
    void otherLibrariesMayLogAtDebug() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues("logging.level.org.flywaydb=DEBUG")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "health,info,prometheus,env", "health,loggers"})
    void refusesActuatorEndpointsBeyondHealthInfoAndPrometheus(String exposure) {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues("management.endpoints.web.exposure.include=" + exposure)
                .run(context -> assertRefused(context, "only health, info and prometheus are allowed"));
    }

    @Test
    void localAndTestProfilesAreNotHeldToProductionRules() {
        for (String profile : new String[] {"local", "test"}) {
            new ApplicationContextRunner()
                    .withUserConfiguration(StartupSafetyConfiguration.class)
                    .withBean(Secrets.class, () -> name -> Optional.empty())
                    .withPropertyValues("spring.profiles.active=" + profile, "logging.level.root=DEBUG",
                            StartupSafetyRules.REDIRECT_URI + "=http://localhost:8080/api/zoho/auth/callback")
                    .run(context -> assertThat(context).hasNotFailed());
        }
    }

    /** Issue 14 item 11: IAM auth (and its password fallback) only towards a server the driver verifies. */
    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db.example.com:5432/pp",
            "jdbc:postgresql://db.example.com:5432/pp?sslmode=require",
            "jdbc:postgresql://db.example.com:5432/pp?sslmode=verify-ca&sslrootcert=/etc/rds/ca.pem",
            "jdbc:postgresql://db.example.com:5432/pp?sslmode=prefer&ApplicationName=x",
            "jdbc:postgresql://db.example.com:5432/pp?sslmode=verify-full&sslfactory=org.postgresql.ssl.NonValidatingFactory"})
    void refusesIamAuthenticationOnAUrlThatDoesNotVerifyTheServer(String url) {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues("pipelinepulse.database.iam-auth=true", "spring.datasource.url=" + url)
                .run(context -> assertRefused(context, "RDS IAM authentication (pipelinepulse.database.iam-auth / "
                        + "PP_DATABASE_IAM_AUTH) needs a database URL that verifies the server: add sslmode=verify-full"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"spring.datasource.url=jdbc:postgresql://db.example.com:5432/pp?sslmode=verify-full&sslrootcert=/etc/rds/ca.pem",
            "spring.datasource.url=jdbc:postgresql://db.example.com:5432/pp?SSLMODE=Verify-Full",
            "spring.datasource.hikari.data-source-properties.sslmode=verify-full"})
    void acceptsIamAuthenticationWhenTheDriverVerifiesTheServer(String setting) {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues("pipelinepulse.database.iam-auth=true", setting)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void passwordAuthenticationAndTheLocalProfileNeedNoVerifiedServer() {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        production().withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example.com:5432/pp")
                .run(context -> assertThat(context).hasNotFailed());
        production().withPropertyValues("spring.profiles.active=local", "pipelinepulse.database.iam-auth=true",
                "spring.datasource.url=jdbc:postgresql://localhost:5432/pp")
                .run(context -> assertThat(context).hasNotFailed());
    }

    /** ASVS 13.2.3: the local stack's placeholder credentials never serve outside it. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = SecretName.class,
            names = {"DATABASE_PASSWORD", "DATABASE_MIGRATION_PASSWORD", "ZOHO_CLIENT_SECRET"})
    void refusesThePlaceholderCredentialsOfTheComposeFile(SecretName secret) {
        secretValues.put(SecretName.JWT_KEYS, TestKeys.keyRing("k1", 256));
        String placeholder = StartupSafetyRules.COMPOSE_PLACEHOLDERS.get(secret);
        secretValues.put(secret, placeholder);
        production().run(context -> {
            assertRefused(context, "the secret " + secret + " (" + secret.environmentVariable()
                    + ") is the placeholder of docker-compose.yml");
            assertThat(failure(context)).doesNotContain(placeholder);
        });
        production().withPropertyValues("spring.profiles.active=local").run(context -> assertThat(context).hasNotFailed());
        secretValues.put(secret, TestKeys.password());
        production().run(context -> assertThat(context).hasNotFailed());
    }

    /** The placeholders the validator refuses are the ones docker-compose.yml really sets. */
    @Test
    void thePlaceholderListMatchesTheComposeFile() throws java.io.IOException {
        String compose = java.nio.file.Files.readString(java.nio.file.Path.of("docker-compose.yml"));
        for (SecretName secret : List.of(SecretName.DATABASE_PASSWORD, SecretName.ZOHO_CLIENT_SECRET)) {
            java.util.regex.Matcher value = java.util.regex.Pattern
                    .compile("(?m)^\\s+" + secret.environmentVariable() + ": (\\S+)$").matcher(compose);
            assertThat(value.find()).as(secret.environmentVariable() + " in docker-compose.yml").isTrue();
            assertThat(StartupSafetyRules.COMPOSE_PLACEHOLDERS).containsEntry(secret, value.group(1));
        }
        assertThat(compose).contains("POSTGRES_PASSWORD: "
                + StartupSafetyRules.COMPOSE_PLACEHOLDERS.get(SecretName.DATABASE_MIGRATION_PASSWORD));
    }

    private static void assertRefused(AssertableApplicationContext context, String problem) {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure()).rootCause().isInstanceOf(UnsafeConfigurationException.class);
        assertThat(failure(context)).contains(problem);
    }

    private static String failure(AssertableApplicationContext context) {
        Throwable root = context.getStartupFailure();
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
