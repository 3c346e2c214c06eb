package com.pipelinepulse.session;

import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.secrets.KeyRing;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.SecurityException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.pipelinepulse.crypto.Sha256;
import java.nio.ByteBuffer;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.SecretKey;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Issues and verifies access tokens (docs/jwt.md). The key ring {@link SecretName#JWT_KEYS} is read at
 * every use, so a rotated ring takes effect without a restart.
 *
 * <p>Verified tokens are remembered (docs/jwt.md, "Verified-token cache"): a bounded Caffeine cache keyed by the
 * SHA-256 of the token holds what its verification found, together with the key ring it was verified with. A token
 * seen again is answered from there while the ring is the same and the clock has not reached its {@code exp};
 * past that, or with another ring, it is verified in full again. The session's revocation is checked on every
 * call, cached or not.
 */
@Component
class JwtAccessTokens implements AccessTokenVerifier {

    static final String ISSUER = "pipeline-pulse-api";
    static final String TYPE = "at+jwt";
    static final String ALGORITHM = "HS256";

    private final Secrets secrets;
    private final SessionProperties properties;
    private final SessionRevocations revocations;
    private final Clock clock;
    /** Null when the cache is off (size 0). */
    private final Cache<ByteBuffer, Verified> verified;
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder fullVerifications = new LongAdder();

    /**
     * The key ring as it was last read: its parser, and its active key for signing. Parsing the ring and building a
     * parser cost about a fifth of a verification (docs/benchmarks.md), parsing it and making the signing key a
     * tenth of a refresh's issue; they are redone only when the ring's text changes (a rotation), which is still
     * noticed on the first verification or issue after it.
     */
    private volatile CurrentRing currentRing;

    private record CurrentRing(String ringText, JwtParser parser, String activeKid, SecretKey activeKey) {
        /** Never the ring's text nor its key: they are the signing keys. */
        @Override
        public String toString() {
            return "CurrentRing[ring=" + (ringText == null ? "absent" : "present") + ", activeKid=" + activeKid + "]";
        }
    }

    /** What a full verification of one token found, and with which key ring. */
    private record Verified(CurrentRing ring, AccessTokenClaims claims) {
    }

    @Autowired
    JwtAccessTokens(Secrets secrets, SessionProperties properties, SessionRevocations revocations,
            ObjectProvider<Clock> clock) {
        this(secrets, properties, revocations, clock.getIfAvailable(Clock::systemUTC));
    }

    JwtAccessTokens(Secrets secrets, SessionProperties properties, SessionRevocations revocations) {
        this(secrets, properties, revocations, Clock.systemUTC());
    }

    JwtAccessTokens(Secrets secrets, SessionProperties properties, SessionRevocations revocations, Clock clock) {
        this.secrets = secrets;
        this.properties = properties;
        this.revocations = revocations;
        this.clock = clock;
        int size = properties.verifiedTokenCacheSize();
        this.verified = size == 0 ? null : Caffeine.newBuilder().maximumSize(size)
                // Frees an entry once its token expired; whether an entry may be used is decided by the clock, below.
                .expireAfter(Expiry.creating((ByteBuffer key, Verified value) ->
                        positive(Duration.between(clock.instant(), value.claims().expiresAt()))))
                .build();
    }

    /** A signed access token and its lifetime. */
    record IssuedToken(String value, long expiresInSeconds) {
        /** Never the token itself. */
        @Override
        public String toString() {
            return "IssuedToken[expiresInSeconds=" + expiresInSeconds + "]";
        }
    }

    IssuedToken issue(UserAccount user, UUID sessionId) {
        CurrentRing ring = currentRing();
        Instant now = Instant.now();
        Instant expiry = now.plus(properties.accessTokenLifetime());
        String token = Jwts.builder()
                .header().type(TYPE).keyId(ring.activeKid()).and()
                .subject(user.email())
                .claim("user_id", user.id().toString())
                .claim("region", user.region())
                .claim("name", user.displayName())
                .claim("roles", List.of(user.role().id()))
                .issuer(ISSUER)
                .audience().add(properties.audience()).and()
                .id(UUID.randomUUID().toString())
                .claim("sid", sessionId.toString())
                .issuedAt(Date.from(now))
                .expiration(Date.from(expiry))
                .signWith(ring.activeKey(), Jwts.SIG.HS256)
                .compact();
        return new IssuedToken(token, properties.accessTokenLifetime().toSeconds());
    }

    @Override
    public AccessTokenClaims verify(String compactToken) {
        if (compactToken == null || compactToken.isBlank()) {
            throw new InvalidAccessTokenException("malformed");
        }
        // Outside the try: a broken key ring is a server fault, not a malformed token.
        CurrentRing ring = currentRing();
        ByteBuffer key = verified == null ? null : ByteBuffer.wrap(Sha256.of(compactToken));
        Verified known = key == null ? null : verified.asMap().get(key);
        AccessTokenClaims claims;
        if (known != null && known.ring() == ring && clock.instant().isBefore(known.claims().expiresAt())) {
            claims = known.claims();
            cacheHits.increment();
        } else {
            fullVerifications.increment();
            claims = verifyInFull(ring.parser(), compactToken);
            if (key != null && clock.instant().isBefore(claims.expiresAt())) {
                verified.put(key, new Verified(ring, claims));
            }
        }
        if (revocations.isRevoked(claims.sessionId())) {
            throw new InvalidAccessTokenException("session_revoked");
        }
        return claims;
    }

    /** Verified tokens held now (after pending evictions); for tests. */
    long cachedTokens() {
        if (verified == null) {
            return 0;
        }
        verified.cleanUp();
        return verified.estimatedSize();
    }

    /** How often a token was answered from the cache. */
    long cacheHits() {
        return cacheHits.sum();
    }

    /** How often a token was verified in full (signature, JSON, claims), successfully or not. */
    long fullVerifications() {
        return fullVerifications.sum();
    }

    private AccessTokenClaims verifyInFull(JwtParser parser, String compactToken) {
        Claims claims;
        try {
            claims = parser.parseSignedClaims(compactToken).getPayload();
        } catch (InvalidAccessTokenException e) {
            throw e;
        } catch (ExpiredJwtException e) {
            throw new InvalidAccessTokenException("expired");
        } catch (PrematureJwtException e) {
            throw new InvalidAccessTokenException("not_yet_valid");
        } catch (IncorrectClaimException | MissingClaimException e) {
            throw new InvalidAccessTokenException(claimReason(e.getClaimName()));
        } catch (UnsupportedJwtException e) {
            // alg "none" (unsecured JWS), JWE, or an unsigned payload.
            throw new InvalidAccessTokenException("unsupported_algorithm");
        } catch (SecurityException e) {
            // jjwt reports an alg identifier it does not know at all ("hs256", "XYZ") as a signature failure;
            // the test suite pins this message so an upgrade that changes it is noticed.
            boolean unknownAlgorithm = e.getMessage() != null && e.getMessage().startsWith("Unsupported signature algorithm");
            throw new InvalidAccessTokenException(unknownAlgorithm ? "unsupported_algorithm" : "bad_signature");
        } catch (MalformedJwtException e) {
            throw new InvalidAccessTokenException("malformed");
        } catch (JwtException | IllegalArgumentException e) {
            throw new InvalidAccessTokenException("malformed");
        }
        AccessTokenClaims result = toClaims(claims);
        // iat against the machine's own time: a token is never issued in the future of the instance verifying it.
        if (result.issuedAt().isAfter(Instant.now().plus(properties.clockSkew()))) {
            throw new InvalidAccessTokenException("not_yet_valid");
        }
        return result;
    }

    private CurrentRing currentRing() {
        String text = secrets.require(SecretName.JWT_KEYS);
        CurrentRing current = currentRing;
        if (current == null || !current.ringText().equals(text)) {
            KeyRing ring = KeyRing.parse(text);
            JwtParser parser = Jwts.parser()
                    .keyLocator(new PinnedKeyLocator(ring))
                    .requireIssuer(ISSUER)
                    .requireAudience(properties.audience())
                    .clockSkewSeconds(properties.clockSkew().toSeconds())
                    // exp and nbf by the application's clock, the one the cache goes by.
                    .clock(() -> Date.from(clock.instant()))
                    .build();
            current = new CurrentRing(text, parser, ring.activeKid(), hmacKey(ring.activeKey()));
            currentRing = current;
            if (verified != null) {
                // Entries of the old ring are never used again (they name it); this only frees them.
                verified.invalidateAll();
            }
        }
        return current;
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    private static String claimReason(String claim) {
        return switch (claim == null ? "" : claim) {
            case Claims.ISSUER -> "bad_issuer";
            case Claims.AUDIENCE -> "bad_audience";
            default -> "missing_claims";
        };
    }

    private static AccessTokenClaims toClaims(Claims claims) {
        try {
            String sub = claims.getSubject();
            UUID userId = UUID.fromString(claims.get("user_id", String.class));
            UUID sid = UUID.fromString(claims.get("sid", String.class));
            Object roles = claims.get("roles");
            Date iat = claims.getIssuedAt();
            Date exp = claims.getExpiration();
            if (sub == null || claims.getId() == null || iat == null || exp == null
                    || !(roles instanceof Collection<?> roleList)) {
                throw new InvalidAccessTokenException("missing_claims");
            }
            List<String> roleIds = roleList.stream().map(String::valueOf).toList();
            return new AccessTokenClaims(userId, sub, claims.get("name", String.class),
                    claims.get("region", String.class), roleIds, sid, claims.getId(), iat.toInstant(),
                    exp.toInstant());
        } catch (IllegalArgumentException | NullPointerException | io.jsonwebtoken.RequiredTypeException e) {
            throw new InvalidAccessTokenException("missing_claims");
        }
    }

    static SecretKey hmacKey(byte[] key) {
        return Keys.hmacShaKeyFor(key);
    }

    /**
     * Refuses, before any signature work, every header that is not exactly what we issue: the algorithm is
     * pinned (no "alg confusion" with HS384/HS512/RS256 headers on the same key), the type must be
     * {@code at+jwt}, and the {@code kid} must be in the current ring.
     */
    private static final class PinnedKeyLocator extends LocatorAdapter<Key> {

        private static final Set<String> TYPES = Set.of(TYPE, "application/" + TYPE);
        private static final Set<String> KEY_REFERENCES = Set.of("jku", "jwk", "x5u", "x5c");

        private final KeyRing ring;

        PinnedKeyLocator(KeyRing ring) {
            this.ring = ring;
        }

        @Override
        protected Key locate(JwsHeader header) {
            if (!ALGORITHM.equals(header.getAlgorithm())) {
                throw new InvalidAccessTokenException("unsupported_algorithm");
            }
            String type = header.getType();
            if (type == null || !TYPES.contains(type.toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidAccessTokenException("bad_type");
            }
            // Keys come from the ring only. A token that points at key material of its own (a JWK Set URL, an
            // embedded key, a certificate URL or chain) is not one we issued: refused, and nothing is fetched.
            if (KEY_REFERENCES.stream().anyMatch(header::containsKey)) {
                throw new InvalidAccessTokenException("untrusted_key_reference");
            }
            return ring.key(header.getKeyId()).map(JwtAccessTokens::hmacKey)
                    .orElseThrow(() -> new InvalidAccessTokenException("unknown_kid"));
        }
    }
}
