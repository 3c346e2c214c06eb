package com.pipelinepulse.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.AwsSecretsManagerStandIn;
import com.pipelinepulse.testsupport.SigV4PresignedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real SDK's RdsUtilities, with credentials generated for this run; signatures checked independently. */
class RdsIamTokensTests {

    @BeforeAll
    static void credentials() {
        AwsSecretsManagerStandIn.useGeneratedCredentials();
    }

    @Test
    void theTokenIsASigV4PresignedConnectRequestForTheConfiguredHostPortUserAndRegion() {
        DatabaseProperties properties = new DatabaseProperties(true, "eu-west-1", 10, Duration.ofSeconds(10), null);
        RdsIamTokens tokens = DataSourceConfiguration.iamTokens(
                "jdbc:postgresql://db.abc123.eu-west-1.rds.amazonaws.com:6543/pipelinepulse?sslmode=require",
                "app_user", properties);

        String token = tokens.token();

        assertThat(token).startsWith("db.abc123.eu-west-1.rds.amazonaws.com:6543/?");
        SigV4PresignedToken parsed = SigV4PresignedToken.parse(token);
        assertThat(parsed.hostAndPort()).isEqualTo("db.abc123.eu-west-1.rds.amazonaws.com:6543");
        assertThat(parsed.decoded("Action")).isEqualTo("connect");
        assertThat(parsed.decoded("DBUser")).isEqualTo("app_user");
        assertThat(parsed.decoded("X-Amz-Algorithm")).isEqualTo("AWS4-HMAC-SHA256");
        // 15 minutes, counted by the SDK from its own clock reading: a loaded machine can lose a second in between.
        assertThat(Integer.parseInt(parsed.decoded("X-Amz-Expires"))).isBetween(895, 900);
        assertThat(parsed.decoded("X-Amz-SignedHeaders")).isEqualTo("host");
        String[] scope = parsed.credentialScope();
        assertThat(scope[0]).isEqualTo(System.getProperty("aws.accessKeyId"));
        assertThat(scope[1]).isEqualTo(DateTimeFormatter.BASIC_ISO_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))
                .substring(0, 8));
        assertThat(scope[2]).isEqualTo("eu-west-1");
        assertThat(scope[3]).isEqualTo("rds-db");
        assertThat(scope[4]).isEqualTo("aws4_request");
        assertThat(parsed.signatureValidFor(System.getProperty("aws.secretAccessKey"))).isTrue();
        assertThat(parsed.signatureValidFor(System.getProperty("aws.secretAccessKey") + "x")).isFalse();
    }

    @Test
    void theDefaultPortIs5432() {
        DatabaseProperties properties = new DatabaseProperties(true, "us-east-1", 10, Duration.ofSeconds(10), null);
        String token = DataSourceConfiguration.iamTokens("jdbc:postgresql://db.example.internal/app", "app", properties)
                .token();
        assertThat(SigV4PresignedToken.parse(token).hostAndPort()).isEqualTo("db.example.internal:5432");
    }

    @Test
    void aTokenIsReusedUntilNearItsExpiryThenANewOneIsGenerated() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
        int[] generated = {0};
        RdsIamTokens tokens = new RdsIamTokens(
                software.amazon.awssdk.services.rds.RdsUtilities.builder()
                        .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
                        .credentialsProvider(() -> {
                            generated[0]++;
                            return software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                    System.getProperty("aws.accessKeyId"), System.getProperty("aws.secretAccessKey"));
                        }).build(),
                "db.example.internal", 5432, "app", software.amazon.awssdk.regions.Region.EU_WEST_1, clock);

        String first = tokens.token();
        clock.advance(Duration.ofMinutes(11));
        assertThat(tokens.token()).isSameAs(first);
        assertThat(generated[0]).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1)); // 12 minutes old: 3 minutes left, renew now
        String second = tokens.token();
        assertThat(generated[0]).isEqualTo(2);
        assertThat(SigV4PresignedToken.parse(second).signatureValidFor(System.getProperty("aws.secretAccessKey")))
                .isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(tokens.token()).isSameAs(second);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
