package com.pipelinepulse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.web.client.RestClient;

/** The shared test context: secrets and database authentication are visible on the management port. */
@IntegrationTest
class SecretsHealthIntegrationTests {

    @LocalManagementPort
    int managementPort;

    @Autowired
    Secrets secrets;

    @Test
    void healthShowsTheSourceOfEachSecretAndHowTheDatabaseAuthenticatedButNoValue() throws Exception {
        String body = RestClient.create("http://127.0.0.1:" + managementPort).get().uri("/actuator/health")
                .retrieve().body(String.class);
        JsonNode health = new ObjectMapper().readTree(body);

        // The test profile has no JWT or encryption key configured: both are generated, never from AWS.
        assertThat(health.at("/components/secrets/details/aws").asText()).isEqualTo("disabled");
        assertThat(health.at("/components/secrets/details/JWT_KEYS/source").asText()).isEqualTo("generated");
        assertThat(health.at("/components/secrets/details/ENCRYPTION_KEYS/source").asText()).isEqualTo("generated");
        assertThat(health.at("/components/secrets/details/JWT_KEYS/age").asText()).startsWith("PT");
        assertThat(health.at("/components/databaseAuth/details/auth").asText()).isEqualTo("password");
        String jwtKey = secrets.require(SecretName.JWT_KEYS);
        assertThat(body).doesNotContain(jwtKey, jwtKey.substring(jwtKey.indexOf(':') + 1));
    }
}
