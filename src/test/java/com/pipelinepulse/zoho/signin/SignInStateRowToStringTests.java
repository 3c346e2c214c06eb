package com.pipelinepulse.zoho.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.RecordInstances;
import org.junit.jupiter.api.Test;

/** The stored sign-in state never shows its PKCE verifier in toString(). */
class SignInStateRowToStringTests {

    @Test
    void aStoredSignInStateRowShowsNoCodeVerifier() throws Exception {
        Object row = RecordInstances.of(SignInStateStore.class, "Row", "verifier-canary-dBjftJeZ4CVPmB92K27uhbUJU1p1r",
                "/pipeline", true);

        assertThat(row.toString()).doesNotContain("canary").contains("/pipeline");
    }
}
