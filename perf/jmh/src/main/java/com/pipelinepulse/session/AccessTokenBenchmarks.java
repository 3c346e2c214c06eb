package com.pipelinepulse.session;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issuing and verifying an access token three ways (docs/benchmarks.md):
 * <ul>
 * <li>{@code ours*}: {@link JwtAccessTokens} as the service runs it: the key ring is read from
 * {@link Secrets} at every call (parsed, and the parser rebuilt, only when its text changed), and verification
 * checks the (in-memory) revocation map. {@code oursVerify} presents the same token again and again, as a client
 * does during its token's lifetime: after the first call it is answered from the verified-token cache (SHA-256 of
 * the token, ring identity, exp against the clock, revocation). {@code oursVerifyUncached} is the same with the
 * cache off (size 0): a full verification every time;</li>
 * <li>{@code jjwt*}: plain jjwt with the same header and claims, key and parser built once;</li>
 * <li>{@code floor*}: HMAC-SHA256 (javax.crypto, a reused {@link Mac}) over the same signing-input bytes, no JSON
 * and no Base64 decoding of the token: the cost below which no HS256 implementation can go.</li>
 * </ul>
 * Keys are generated at start; nothing secret is in the source.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AccessTokenBenchmarks {

    private JwtAccessTokens ours;
    private JwtAccessTokens oursUncached;
    private UserAccount user;
    private UUID sessionId;
    private String ourToken;

    private SecretKey key;
    private JwtParser jjwtParser;
    private String jjwtToken;

    private Mac mac;
    private byte[] signingInput;
    private byte[] expectedSignature;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] keyBytes = new byte[32];
        new SecureRandom().nextBytes(keyBytes);
        String ringText = "bench-1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(keyBytes);
        Secrets secrets = name -> name == SecretName.JWT_KEYS ? Optional.of(ringText) : Optional.empty();
        SessionProperties properties = new SessionProperties(Duration.ofMinutes(10), Duration.ofHours(24),
                Duration.ofDays(14), Duration.ofSeconds(10), Duration.ofSeconds(30), "pipeline-pulse-api");
        SessionRevocations revocations = new SessionRevocations(null, new SessionStore(null), properties);
        // The steady state of a running instance: the LISTEN connection is up, so a revocation check is a map
        // lookup (no database). Set directly rather than starting the listener thread.
        Field listening = SessionRevocations.class.getDeclaredField("listening");
        listening.setAccessible(true);
        listening.setBoolean(revocations, true);
        ours = new JwtAccessTokens(secrets, properties, revocations);
        oursUncached = new JwtAccessTokens(secrets, new SessionProperties(properties.accessTokenLifetime(),
                properties.idleTimeout(), properties.absoluteLifetime(), properties.refreshGraceWindow(),
                properties.clockSkew(), properties.audience(), 0), revocations);
        user = new UserAccount(UUID.randomUUID(), "4000000000001", "mia.manager@example.com", "Mia Manager", "AMER",
                Role.MANAGER, true);
        sessionId = UUID.randomUUID();
        ourToken = ours.issue(user, sessionId).value();

        key = Keys.hmacShaKeyFor(keyBytes);
        jjwtParser = Jwts.parser().verifyWith(key).requireIssuer(JwtAccessTokens.ISSUER)
                .requireAudience("pipeline-pulse-api").clockSkewSeconds(30).build();
        jjwtToken = jjwtIssue();

        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
        int lastDot = ourToken.lastIndexOf('.');
        signingInput = ourToken.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        expectedSignature = Base64.getUrlDecoder().decode(ourToken.substring(lastDot + 1));
    }

    @Benchmark
    public String oursIssue() {
        return ours.issue(user, sessionId).value();
    }

    @Benchmark
    public AccessTokenClaims oursVerify() {
        return ours.verify(ourToken);
    }

    @Benchmark
    public AccessTokenClaims oursVerifyUncached() {
        return oursUncached.verify(ourToken);
    }

    @Benchmark
    public String jjwtIssue() {
        Instant now = Instant.now();
        return Jwts.builder()
                .header().type(JwtAccessTokens.TYPE).keyId("bench-1").and()
                .subject(user.email())
                .claim("user_id", user.id().toString())
                .claim("region", user.region())
                .claim("name", user.displayName())
                .claim("roles", List.of(user.role().id()))
                .issuer(JwtAccessTokens.ISSUER)
                .audience().add("pipeline-pulse-api").and()
                .id(UUID.randomUUID().toString())
                .claim("sid", sessionId.toString())
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(Duration.ofMinutes(10))))
                .signWith(key, Jwts.SIG.HS256)
                .compact();
    }

    @Benchmark
    public Claims jjwtVerify() {
        return jjwtParser.parseSignedClaims(jjwtToken).getPayload();
    }

    @Benchmark
    public String floorSign() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput));
    }

    @Benchmark
    public boolean floorVerify() {
        return MessageDigest.isEqual(mac.doFinal(signingInput), expectedSignature);
    }
}
