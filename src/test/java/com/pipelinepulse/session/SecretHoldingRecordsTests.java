package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.secrets.KeyRing;
import com.pipelinepulse.testsupport.RecordInstances;
import com.pipelinepulse.testsupport.TestKeys;
import io.jsonwebtoken.Jwts;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** Records of the session module that hold a token or key never show it in {@code toString()} (logs, debuggers). */
class SecretHoldingRecordsTests {

    private static final String REFRESH_TOKEN = "refresh-canary-Zx81kq0PbW3s7YtHn2vLm5cD9fGj4aRe6uIo1pQ";
    private static final String ACCESS_TOKEN = TestKeys.jwtShaped("access-canary-");
    private static final String KEY_RING = "k1:key-canary-c2VjcmV0LXNpZ25pbmcta2V5LW9mLTMyLWJ5dGVzLWxvbmc";

    @Test
    void aRefreshOutcomeShowsItsSessionAndReasonButNotTheNewToken() {
        UUID sessionId = UUID.randomUUID();
        var outcome = new RefreshTokenRotation.Outcome(REFRESH_TOKEN, null, sessionId, Duration.ofDays(1), null);

        assertThat(outcome.toString()).doesNotContain(REFRESH_TOKEN).doesNotContain("canary")
                .contains(sessionId.toString()).contains("newToken=present");
        assertThat(RefreshTokenRotation.Outcome.refused("unknown_token").toString()).contains("unknown_token")
                .contains("newToken=absent");
    }

    @Test
    void theParsedKeyRingNeverShowsTheRingTextNorItsSigningKey() throws Exception {
        KeyRing ring = KeyRing.parse(KEY_RING);
        SecretKey signingKey = JwtAccessTokens.hmacKey(ring.activeKey());
        Object currentRing = RecordInstances.of(JwtAccessTokens.class, "CurrentRing", KEY_RING,
                Jwts.parser().build(), ring.activeKid(), signingKey);

        assertThat(currentRing.toString()).doesNotContain("canary").doesNotContain("k1:")
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(signingKey.getEncoded()))
                .doesNotContain(signingKey.toString()).contains("activeKid=k1");
    }

    @Test
    void anIssuedTokenAndTheTokenResponseShowTheLifetimeButNotTheToken() {
        assertThat(new JwtAccessTokens.IssuedToken(ACCESS_TOKEN, 600).toString()).doesNotContain("canary")
                .doesNotContain("eyJ").contains("600");
        assertThat(new AuthController.TokenResponse(ACCESS_TOKEN, "Bearer", 600).toString())
                .doesNotContain("canary").doesNotContain("eyJ").contains("Bearer").contains("600");
    }
}
