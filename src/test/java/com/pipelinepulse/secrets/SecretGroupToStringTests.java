package com.pipelinepulse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.RecordInstances;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretGroupToStringTests {

    @Test
    void aCachedSecretGroupShowsItsFieldNamesButNoValue() throws Exception {
        Object group = RecordInstances.of(LayeredSecrets.class, "Group",
                Map.of("PP_JWT_KEYS", "k1:jwt-canary-value", "PP_ZOHO_CLIENT_SECRET", "client-secret-canary"),
                Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(group.toString()).doesNotContain("canary").contains("PP_JWT_KEYS")
                .contains("PP_ZOHO_CLIENT_SECRET");
    }
}
