package com.pipelinepulse.zoho;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.testsupport.RecordInstances;
import org.junit.jupiter.api.Test;

/** Records of the zoho module that hold a PKCE verifier or Zoho's token answer never show them in toString(). */
class SecretHoldingZohoRecordsTests {

    @Test
    void aStoredSignInStateRowShowsNoCodeVerifier() throws Exception {
        Object row = RecordInstances.of(SignInStateStore.class, "Row", "verifier-canary-dBjftJeZ4CVPmB92K27uhbUJU1p1r",
                "/pipeline", true);

        assertThat(row.toString()).doesNotContain("canary").contains("/pipeline");
    }

    @Test
    void aTokenAnswerShowsItsStatusAndMemberNamesButNoToken() throws Exception {
        var body = new ObjectMapper().readTree("""
                {"access_token":"1000.access-canary","refresh_token":"1000.refresh-canary","expires_in":3600}""");

        String text = new ZohoHttp.Answer(200, body).toString();

        assertThat(text).doesNotContain("canary").contains("200").contains("refresh_token");
    }
}
