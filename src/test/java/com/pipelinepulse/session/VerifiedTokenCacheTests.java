package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.session.AccessTokenVerifier.InvalidAccessTokenException;
import com.pipelinepulse.testsupport.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache of {@link JwtAccessTokens} (docs/jwt.md): a token seen again is answered from memory, but
 * never past its {@code exp}, never with another key ring, never for a revoked session, and never more tokens than
 * its bound.
 */
class VerifiedTokenCacheTests {

    private static final Duration LIFETIME = Duration.ofMinutes(7);
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final AtomicReference<String> ring = new AtomicReference<>("k1:" + newKey());
    private final Secrets secrets = name -> name == SecretName.JWT_KEYS ? Optional.of(ring.get()) : Optional.empty();
    private final Set<UUID> revoked = ConcurrentHashMap.newKeySet();
    private final MutableClock clock = new MutableClock();
    private final UserAccount user = new UserAccount(UUID.randomUUID(), "zuid-1", "ana@example.com", "Ana Example",
            "EMEA", Role.MANAGER, true);

    private JwtAccessTokens tokens(int cacheSize) {
        SessionProperties properties = new SessionProperties(LIFETIME, Duration.ofHours(1), Duration.ofDays(1),
                Duration.ofSeconds(10), SKEW, "pipeline-pulse-api", cacheSize,
                SessionProperties.DEFAULT_REFRESH_BATCH_SIZE, SessionProperties.DEFAULT_REFRESH_BATCH_CONCURRENCY);
        SessionRevocations revocations = new SessionRevocations(null, null, properties) {
            @Override
            boolean isRevoked(UUID sessionId) {
                return revoked.contains(sessionId);
            }
        };
        return new JwtAccessTokens(secrets, properties, revocations, clock);
    }

    @Test
    void aTokenSeenAgainIsAnsweredFromTheCacheWithTheSameClaims() {
        JwtAccessTokens tokens = tokens(100);
        String token = tokens.issue(user, UUID.randomUUID()).value();

        AccessTokenClaims first = tokens.verify(token);
        AccessTokenClaims second = tokens.verify(token);

        assertThat(second).isEqualTo(first);
        assertThat(tokens.fullVerifications()).isEqualTo(1);
        assertThat(tokens.cacheHits()).isEqualTo(1);
    }

    @Test
    void aRevokedSessionsTokenIsRefusedEvenWhenCached() {
        JwtAccessTokens tokens = tokens(100);
        UUID sid = UUID.randomUUID();
        String token = tokens.issue(user, sid).value();
        tokens.verify(token);
        assertThat(tokens.cachedTokens()).isEqualTo(1);

        revoked.add(sid);

        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidAccessTokenException.class)
                .extracting(e -> ((InvalidAccessTokenException) e).reason()).isEqualTo("session_revoked");
    }

    @Test
    void aCachedTokenIsNeverUsedPastItsExpAndIsRefusedOnceExpired() {
        JwtAccessTokens tokens = tokens(100);
        clock.fixAt(Instant.now());
        String token = tokens.issue(user, UUID.randomUUID()).value();
        AccessTokenClaims claims = tokens.verify(token);

        clock.fixAt(claims.expiresAt().minusSeconds(1));
        tokens.verify(token);
        assertThat(tokens.cacheHits()).as("used from the cache up to its exp").isEqualTo(1);

        // Inside the clock skew jjwt still accepts it, but only after a full verification: the entry is not used.
        clock.fixAt(claims.expiresAt().plusSeconds(1));
        tokens.verify(token);
        assertThat(tokens.cacheHits()).as("no cache hit at or past exp").isEqualTo(1);
        assertThat(tokens.fullVerifications()).isEqualTo(2);

        clock.fixAt(claims.expiresAt().plus(SKEW).plusSeconds(1));
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidAccessTokenException.class)
                .extracting(e -> ((InvalidAccessTokenException) e).reason()).isEqualTo("expired");
    }

    @Test
    void aTokenOfARetiredKeyIsRefusedEvenWhenCached() {
        JwtAccessTokens tokens = tokens(100);
        String before = tokens.issue(user, UUID.randomUUID()).value();
        tokens.verify(before);
        ring.set("k2:" + newKey() + "," + ring.get());
        tokens.verify(before);
        ring.set(ring.get().substring(0, ring.get().indexOf(',')));

        assertThatThrownBy(() -> tokens.verify(before)).isInstanceOf(InvalidAccessTokenException.class)
                .extracting(e -> ((InvalidAccessTokenException) e).reason()).isEqualTo("unknown_kid");
    }

    @Test
    void theCacheHoldsNoMoreTokensThanItsBoundAndEveryTokenStillVerifies() {
        JwtAccessTokens tokens = tokens(3);
        for (int i = 0; i < 20; i++) {
            UUID sid = UUID.randomUUID();
            assertThat(tokens.verify(tokens.issue(user, sid).value()).sessionId()).isEqualTo(sid);
            assertThat(tokens.cachedTokens()).isLessThanOrEqualTo(3);
        }
        assertThat(tokens.cachedTokens()).isEqualTo(3);
    }

    @Test
    void sizeZeroTurnsTheCacheOff() {
        JwtAccessTokens tokens = tokens(0);
        String token = tokens.issue(user, UUID.randomUUID()).value();
        tokens.verify(token);
        tokens.verify(token);
        assertThat(tokens.cachedTokens()).isZero();
        assertThat(tokens.cacheHits()).isZero();
    }

    @Test
    void aTamperedCopyOfACachedTokenIsVerifiedInFullAndRefused() {
        JwtAccessTokens tokens = tokens(100);
        String token = tokens.issue(user, UUID.randomUUID()).value();
        tokens.verify(token);
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");

        assertThatThrownBy(() -> tokens.verify(tampered)).isInstanceOf(InvalidAccessTokenException.class)
                .extracting(e -> ((InvalidAccessTokenException) e).reason()).isEqualTo("bad_signature");
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
