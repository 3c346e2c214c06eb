package com.pipelinepulse.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The DOWN paths of the auth check; the UP path runs against the real database in AuthHealthIntegrationTests. */
class AuthHealthIndicatorTests {

    // Nothing listens on port 1: the audit check fails fast with a connection error.
    private final JdbcClient unreachableDatabase = JdbcClient.create(
            new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1", "nobody", ""));

    @Test
    void missingKeyRingAndUnreachableAuditTrailAreDown() {
        Health health = indicator(name -> Optional.empty()).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("jwt_key_ring").toString()).startsWith("unavailable: secret JWT_KEYS")
                .contains("PP_JWT_KEYS");
        assertThat(health.getDetails()).containsEntry("audit_trail", "unreachable")
                .containsEntry("audit_write_failures", 0L).doesNotContainKey("jwt_active_kid");
    }

    @Test
    void aShortKeyIsDownAndNoKeyMaterialIsShown() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        Health health = indicator(name -> name == SecretName.JWT_KEYS ? Optional.of("k2025:" + encoded)
                : Optional.empty()).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("jwt_active_kid", "k2025").containsEntry("jwt_keys", 1)
                .containsEntry("jwt_key_ring", "a key is shorter than 256 bits");
        assertThat(health.getDetails().toString()).doesNotContain(encoded);
    }

    @Test
    void aMalformedKeyRingNamesTheEntryNotTheValue() {
        Health health = indicator(name -> Optional.of("k1:" + "not base64 !!")).health();

        assertThat(health.getDetails().get("jwt_key_ring").toString())
                .isEqualTo("unavailable: key ring entry 1 is not valid base64url");
    }

    private AuthHealthIndicator indicator(Secrets secrets) {
        return new AuthHealthIndicator(secrets, unreachableDatabase, new SimpleMeterRegistry());
    }
}
