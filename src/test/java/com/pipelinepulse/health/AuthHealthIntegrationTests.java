package com.pipelinepulse.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.web.client.RestClient;

@IntegrationTest
class AuthHealthIntegrationTests {

    @LocalManagementPort
    int managementPort;

    @Autowired
    ObjectMapper json;

    @Test
    void readinessIncludesTheAuthCheckWithKeyRingAndAuditTrail() throws Exception {
        String body = RestClient.create("http://127.0.0.1:" + managementPort).get().uri("/actuator/health/readiness")
                .retrieve().body(String.class);
        JsonNode auth = json.readTree(body).path("components").path("auth");

        assertThat(auth.path("status").asText()).isEqualTo("UP");
        JsonNode details = auth.path("details");
        // The test profile generates an ephemeral ring with the key id "ephemeral".
        assertThat(details.path("jwt_key_ring").asText()).isEqualTo("loaded");
        assertThat(details.path("jwt_active_kid").asText()).isEqualTo("ephemeral");
        assertThat(details.path("jwt_keys").asInt()).isEqualTo(1);
        assertThat(details.path("jwt_active_key_age").asText()).startsWith("unknown");
        assertThat(details.path("audit_trail").asText()).isEqualTo("writable");
        assertThat(details.has("audit_write_failures")).isTrue();
    }
}
