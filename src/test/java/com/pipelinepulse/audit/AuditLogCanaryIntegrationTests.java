package com.pipelinepulse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.LogCanaries;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatusCode;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

/**
 * The running application (logging configured by Spring Boot, default JSON format) with canary values in
 * security events and requests: the audit trail stores them masked, and neither the trail's own failure log nor
 * request handling prints any of them. A template for the end-to-end canary over sign-in and refresh.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class AuditLogCanaryIntegrationTests {

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int serverPort;

    @Test
    void canariesInEventsAndRequestsReachNeitherTheLogsNorTheTrail(CapturedOutput output) {
        LogCanaries canaries = new LogCanaries();
        int start = output.getOut().length();
        UUID user = UUID.randomUUID();
        Map<String, Object> details = Map.of("reason", "zoho said " + canaries.zohoRefreshToken(),
                "refresh_token", canaries.refreshToken(), "presented", "Bearer " + canaries.bearerCredential(),
                "jwt", canaries.jwt(), "key", canaries.awsAccessKey());

        events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.ZOHO_TOKEN_REFRESH, user,
                canaries.emails().get(0), details));
        // A type longer than the column: the write fails and the recorder logs the database error.
        events.publishEvent(SecurityEvent.failure("x".repeat(80), user, canaries.emails().get(1), details));
        RestClient.create("http://127.0.0.1:" + serverPort).get()
                .uri("/api/admin/audit?code={c}&state={s}&password={p}", canaries.authorizationCode(), canaries.state(),
                        canaries.password())
                .header("Authorization", "Bearer " + canaries.jwt())
                .retrieve().onStatus(HttpStatusCode::isError, (req, res) -> { }).toBodilessEntity();

        String stored = String.join("\n", jdbc.sql("""
                select subject || ' ' || details::text from security_audit_event where user_id = :user""")
                .param("user", user).query(String.class).list());
        assertThat(stored).startsWith("c***@example.com ").contains("[masked]");
        canaries.assertNoLeakIn(stored);

        String emitted = output.getOut().substring(start);
        List<JsonNode> lines = LogCanaries.assertEveryLineIsJson(emitted);
        assertThat(lines).anySatisfy(line -> assertThat(line.path("message").asText())
                .startsWith("Could not store security event"));
        canaries.assertNoLeakIn(emitted);
        canaries.assertNoLeakIn(output.getErr());
    }
}
