package com.pipelinepulse.zoho.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Zoho's token answer never shows a token in toString(). */
class ZohoHttpAnswerToStringTests {

    @Test
    void aTokenAnswerShowsItsStatusAndMemberNamesButNoToken() throws Exception {
        var body = new ObjectMapper().readTree("""
                {"access_token":"1000.access-canary","refresh_token":"1000.refresh-canary","expires_in":3600}""");

        String text = new ZohoHttp.Answer(200, body).toString();

        assertThat(text).doesNotContain("canary").contains("200").contains("refresh_token");
    }
}
