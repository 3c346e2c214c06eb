package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.secrets.KeyRing;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.Keys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Every way an access token can be wrong is a 401 invalid-token problem, counted by reason in
 * {@code pipelinepulse.auth.jwt.rejections}. Forged tokens are signed with the real key of the running
 * application (read from Secrets), so only the one thing each test breaks can be the cause.
 */
@IntegrationTest
class JwtRejectionIntegrationTests {

    private static final String COUNTER = "pipelinepulse.auth.jwt.rejections";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /**
     * A self-signed certificate for {@code CN=attacker.example} (public data only; its private key was never kept), for
     * an {@code x5c} header that a careless verifier would take its key from.
     */
    private static final String ATTACKER_CERTIFICATE = ""
            + "MIIBjDCCATGgAwIBAgIUI4uwg/jrJxf1kQck90kyhz/DKYIwCgYIKoZIzj0EAwIwGzEZMBcGA1UEAwwQYXR0YWNr"
            + "ZXIuZXhhbXBsZTAeFw0yNjEyMDMwMjQyMjVaFw0zNjExMzAwMjQyMjVaMBsxGTAXBgNVBAMMEGF0dGFja2VyLmV4"
            + "YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARLaVrplv0J0RpeABGKMUCa86Txg4I58z/fq6c2EAozUHtf"
            + "HclD1z0VvNlrTe/yAmMHc0xKvF2c4J7zGjJfropEo1MwUTAdBgNVHQ4EFgQUPp70eHO1NY/zkWcx0Gckua+fBaQw"
            + "HwYDVR0jBBgwFoAUPp70eHO1NY/zkWcx0Gckua+fBaQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBG"
            + "AiEAw0JNpMn86CRTzG7Vji/giT9zVW9yAlIYsmcfJ9FuvocCIQD1HIEu17mkmTVL4b/fFzAgcJDiQ940pw+SiKGk"
            + "GM8XHg==";

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Secrets secrets;
    @Autowired
    MeterRegistry meters;

    SignedIn me;
    KeyRing ring;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void signIn() throws Exception {
        me = new TestSessions(users, opener, jdbc, mvc).signIn(Role.VIEWER);
        ring = secrets.keyRing(SecretName.JWT_KEYS);
    }

    @Test
    void theIssuedTokenAndAFaithfulForgeryWithTheRealKeyAreAccepted() throws Exception {
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, me.bearer())).andExpect(status().isOk());
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + sign(jwtHeader(), claims())))
                .andExpect(status().isOk());
    }

    @Test
    void expired() throws Exception {
        Instant past = Instant.now().minus(Duration.ofMinutes(5));
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.put("iat", past.minusSeconds(600).getEpochSecond());
            c.put("exp", past.getEpochSecond());
            return c;
        })), "expired");
    }

    @Test
    void expiredWithinTheClockSkewIsStillAccepted() throws Exception {
        String token = sign(jwtHeader(), with(claims(), c -> {
            c.put("exp", Instant.now().minusSeconds(5).getEpochSecond());
            return c;
        }));
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isOk());
    }

    @Test
    void notYetValid() throws Exception {
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.put("nbf", Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond());
            return c;
        })), "not_yet_valid");
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.put("iat", Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond());
            return c;
        })), "not_yet_valid");
    }

    @Test
    void wrongIssuer() throws Exception {
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.put("iss", "someone-else");
            return c;
        })), "bad_issuer");
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.remove("iss");
            return c;
        })), "bad_issuer");
    }

    @Test
    void keyReferencesInTheHeaderAreRefusedAndNeverFetched() throws Exception {
        WireMockServer keyHost = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .bindAddress("127.0.0.1"));
        keyHost.start();
        try {
            keyHost.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.okJson("{\"keys\":[]}")));
            KeyPair attacker = KeyPairGenerator.getInstance("EC").generateKeyPair();
            Map<String, Object> embeddedKey = new LinkedHashMap<>(Jwks.builder()
                    .key((ECPublicKey) attacker.getPublic()).build());
            Map<String, Object> references = new LinkedHashMap<>();
            references.put("jku", keyHost.baseUrl() + "/.well-known/jwks.json");
            references.put("x5u", keyHost.baseUrl() + "/cert.pem");
            references.put("jwk", embeddedKey);
            references.put("x5c", List.of(ATTACKER_CERTIFICATE));
            for (Map.Entry<String, Object> reference : references.entrySet()) {
                // Signed with the real key and kid: only the reference (a JWK Set URL, a certificate URL, an embedded
                // key or certificate chain) can be the reason for the refusal.
                expectRejected(sign(with(jwtHeader(), h -> {
                    h.put(reference.getKey(), reference.getValue());
                    return h;
                }), claims()), "untrusted_key_reference");
            }
            assertThat(keyHost.getAllServeEvents()).as("requests to the key host").isEmpty();
        } finally {
            keyHost.stop();
        }
    }

    @Test
    void theIssuedTokenNamesThisApiAsItsAudienceAndATokenForTheSpaIsRefused() throws Exception {
        String[] parts = me.accessToken().split("\\.");
        var claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.get("aud").isArray() ? claims.get("aud").get(0).asText() : claims.get("aud").asText())
                .isEqualTo("pipeline-pulse-api");
        assertThat(claims.get("aud").size()).isLessThanOrEqualTo(1);

        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.put("aud", List.of("pipeline-pulse-spa"));
            return c;
        })), "bad_audience");
    }

    @Test
    void wrongAudience() throws Exception {
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.put("aud", List.of("another-api"));
            return c;
        })), "bad_audience");
    }

    @Test
    void wrongType() throws Exception {
        expectRejected(sign(with(jwtHeader(), h -> {
            h.put("typ", "JWT");
            return h;
        }), claims()), "bad_type");
        expectRejected(sign(with(jwtHeader(), h -> {
            h.remove("typ");
            return h;
        }), claims()), "bad_type");
    }

    @Test
    void unknownKid() throws Exception {
        expectRejected(sign(with(jwtHeader(), h -> {
            h.put("kid", "retired-key");
            return h;
        }), claims()), "unknown_kid");
        expectRejected(sign(with(jwtHeader(), h -> {
            h.remove("kid");
            return h;
        }), claims()), "unknown_kid");
    }

    @Test
    void aValidSignatureFromAKeyOutsideTheRingIsRefused() throws Exception {
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        String token = Jwts.builder().header().type("at+jwt").keyId(ring.activeKid()).and()
                .claims(claims()).signWith(Keys.hmacShaKeyFor(otherKey), Jwts.SIG.HS256).compact();
        expectRejected(token, "bad_signature");
    }

    @Test
    void algNone() throws Exception {
        String unsigned = B64.encodeToString(json.writeValueAsBytes(with(jwtHeader(), h -> {
            h.put("alg", "none");
            return h;
        }))) + "." + B64.encodeToString(json.writeValueAsBytes(claims())) + ".";
        expectRejected(unsigned, "unsupported_algorithm");
    }

    @Test
    void otherAlgorithmHeadersWithTheSameKeyAreRefused() throws Exception {
        for (String[] alg : new String[][] {{"HS384", "HmacSHA384"}, {"HS512", "HmacSHA512"}, {"RS256", "HmacSHA256"},
                {"hs256", "HmacSHA256"}, {"XYZ", "HmacSHA256"}}) {
            Map<String, Object> h = with(jwtHeader(), x -> {
                x.put("alg", alg[0]);
                return x;
            });
            expectRejected(signRaw(h, claims(), alg[1]), "unsupported_algorithm");
        }
    }

    @Test
    void tamperedPayload() throws Exception {
        String[] parts = sign(jwtHeader(), claims()).split("\\.");
        String forgedPayload = B64.encodeToString(json.writeValueAsBytes(with(claims(), c -> {
            c.put("roles", List.of("admin"));
            return c;
        })));
        expectRejected(parts[0] + "." + forgedPayload + "." + parts[2], "bad_signature");
    }

    @Test
    void truncated() throws Exception {
        String token = sign(jwtHeader(), claims());
        expectRejected(token.substring(0, token.lastIndexOf('.')), "malformed");
        expectRejected(token.substring(0, token.length() - 10), "bad_signature");
        expectRejected(token.substring(0, 20), "malformed");
    }

    @Test
    void emptySignature() throws Exception {
        String token = sign(jwtHeader(), claims());
        expectRejected(token.substring(0, token.lastIndexOf('.') + 1), "malformed");
    }

    @Test
    void garbageAndEmptyBearerValues() throws Exception {
        expectRejected("not-a-jwt", "malformed");
        expectRejected("", "malformed");
    }

    @Test
    void missingUserOrSessionClaims() throws Exception {
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.remove("sid");
            return c;
        })), "missing_claims");
        expectRejected(sign(jwtHeader(), with(claims(), c -> {
            c.put("user_id", "not-a-uuid");
            return c;
        })), "missing_claims");
    }

    @Test
    void revokedSession() throws Exception {
        mvc.perform(TestSessions.logout(me.refreshToken())).andExpect(status().isNoContent());
        expectRejected(me.accessToken(), "session_revoked");
    }

    private void expectRejected(String token, String reason) throws Exception {
        double before = count(reason);
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:invalid-token"))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.request_id").isString())
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""));
        assertThat(count(reason)).as("rejections counted with reason %s", reason).isEqualTo(before + 1);
    }

    private double count(String reason) {
        Counter counter = meters.find(COUNTER).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private Map<String, Object> jwtHeader() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", "HS256");
        h.put("typ", "at+jwt");
        h.put("kid", ring.activeKid());
        return h;
    }

    private Map<String, Object> claims() {
        Instant now = Instant.now();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", me.user().email());
        c.put("user_id", me.user().id().toString());
        c.put("region", me.user().region());
        c.put("name", me.user().displayName());
        c.put("roles", List.of("viewer"));
        c.put("iss", "pipeline-pulse-api");
        c.put("aud", List.of("pipeline-pulse-api"));
        c.put("jti", UUID.randomUUID().toString());
        c.put("sid", me.sessionId().toString());
        c.put("iat", now.getEpochSecond());
        c.put("exp", now.plus(Duration.ofMinutes(5)).getEpochSecond());
        return c;
    }

    private static Map<String, Object> with(Map<String, Object> map, UnaryOperator<Map<String, Object>> change) {
        return change.apply(map);
    }

    private String sign(Map<String, Object> header, Map<String, Object> claims) throws Exception {
        return signRaw(header, claims, "HmacSHA256");
    }

    /** Signs exactly the given header and claims (no library normalisation) with the application's active key. */
    private String signRaw(Map<String, Object> header, Map<String, Object> claims, String macAlgorithm)
            throws Exception {
        String signingInput = B64.encodeToString(json.writeValueAsBytes(header)) + "."
                + B64.encodeToString(json.writeValueAsBytes(claims));
        Mac mac = Mac.getInstance(macAlgorithm);
        mac.init(new SecretKeySpec(ring.activeKey(), macAlgorithm));
        return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

}
