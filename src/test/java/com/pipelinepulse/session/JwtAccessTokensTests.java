package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.session.AccessTokenVerifier.InvalidAccessTokenException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Header and claims as docs/jwt.md says, and key rotation without a restart. */
class JwtAccessTokensTests {

    private final AtomicReference<String> ring = new AtomicReference<>("k1:" + newKey());
    private final Secrets secrets = name -> name == SecretName.JWT_KEYS ? Optional.of(ring.get()) : Optional.empty();
    private final SessionProperties properties = new SessionProperties(Duration.ofMinutes(7), Duration.ofHours(1),
            Duration.ofDays(1), Duration.ofSeconds(10), Duration.ofSeconds(30), "pipeline-pulse-api");
    private final SessionRevocations noneRevoked = new SessionRevocations(null, null, properties) {
        @Override
        boolean isRevoked(UUID sessionId) {
            return false;
        }
    };
    private final JwtAccessTokens tokens = new JwtAccessTokens(secrets, properties, noneRevoked);
    private final UserAccount user = new UserAccount(UUID.randomUUID(), "zuid-1", "ana@example.com", "Ana Example",
            "EMEA", Role.MANAGER, true);

    @Test
    void headerAndClaimsAreExactlyWhatTheSpaExpects() throws Exception {
        UUID sid = UUID.randomUUID();
        JwtAccessTokens.IssuedToken issued = tokens.issue(user, sid);
        assertThat(issued.expiresInSeconds()).isEqualTo(420);
        String[] parts = issued.value().split("\\.");
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));

        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        assertThat(header.get("typ").asText()).isEqualTo("at+jwt");
        assertThat(header.get("kid").asText()).isEqualTo("k1");
        assertThat(claims.get("sub").asText()).isEqualTo("ana@example.com");
        assertThat(claims.get("user_id").asText()).isEqualTo(user.id().toString());
        assertThat(claims.get("region").asText()).isEqualTo("EMEA");
        assertThat(claims.get("name").asText()).isEqualTo("Ana Example");
        assertThat(claims.get("roles").get(0).asText()).isEqualTo("manager");
        assertThat(claims.get("iss").asText()).isEqualTo("pipeline-pulse-api");
        assertThat(claims.get("aud").toString()).contains("pipeline-pulse-api");
        assertThat(claims.get("sid").asText()).isEqualTo(sid.toString());
        assertThat(UUID.fromString(claims.get("jti").asText())).isNotNull();
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(420);

        AccessTokenClaims verified = tokens.verify(issued.value());
        assertThat(verified.userId()).isEqualTo(user.id());
        assertThat(verified.sessionId()).isEqualTo(sid);
        assertThat(verified.roles()).containsExactly("manager");
        assertThat(verified.getName()).isEqualTo(user.id().toString());
    }

    @Test
    void rotationTakesEffectWithoutARestartAndRetiredKeysStopVerifying() {
        String beforeRotation = tokens.issue(user, UUID.randomUUID()).value();

        ring.set("k2:" + newKey() + "," + ring.get());
        String afterRotation = tokens.issue(user, UUID.randomUUID()).value();
        assertThat(header(afterRotation)).contains("\"kid\":\"k2\"");
        assertThat(tokens.verify(beforeRotation).userId()).isEqualTo(user.id());
        assertThat(tokens.verify(afterRotation).userId()).isEqualTo(user.id());

        ring.set(ring.get().substring(0, ring.get().indexOf(',')));
        assertThatThrownBy(() -> tokens.verify(beforeRotation)).isInstanceOf(InvalidAccessTokenException.class)
                .extracting(e -> ((InvalidAccessTokenException) e).reason()).isEqualTo("unknown_kid");
        assertThat(tokens.verify(afterRotation).userId()).isEqualTo(user.id());
    }

    @Test
    void aTokenFromAnotherAudienceConfigurationIsRefused() {
        String token = tokens.issue(user, UUID.randomUUID()).value();
        JwtAccessTokens otherAudience = new JwtAccessTokens(secrets, new SessionProperties(Duration.ofMinutes(7),
                Duration.ofHours(1), Duration.ofDays(1), Duration.ofSeconds(10), Duration.ofSeconds(30), "other"),
                noneRevoked);
        assertThatThrownBy(() -> otherAudience.verify(token)).isInstanceOf(InvalidAccessTokenException.class)
                .extracting(e -> ((InvalidAccessTokenException) e).reason()).isEqualTo("bad_audience");
    }

    private static String header(String token) {
        return new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
