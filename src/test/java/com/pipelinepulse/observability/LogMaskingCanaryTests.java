package com.pipelinepulse.observability;

import static net.logstash.logback.argument.StructuredArguments.entries;
import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.testsupport.LogCanaries;
import com.pipelinepulse.testsupport.LoggingProfiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Logs canary secrets and emails through the real {@code logback-spring.xml} and checks that nothing of them
 * reaches stdout, in the default (JSON) profile and in {@code local}. Each canary is placed where exactly one
 * masking rule can hide it, so removing any rule makes this test fail.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogMaskingCanaryTests {

    private static final Logger log = LoggerFactory.getLogger("com.pipelinepulse.canary");

    @AfterEach
    void restoreDefaultLogging() {
        MDC.clear();
        LoggingProfiles.reset();
    }

    @Test
    void defaultProfileWritesMaskedJsonLinesOnly(CapturedOutput output) {
        LoggingProfiles.configure();
        LogCanaries canaries = new LogCanaries();
        int start = output.getOut().length();

        MDC.put(RequestIdFilter.MDC_KEY, "canary-request-0001");
        logEveryCanary(canaries);
        String jsonFieldCanary = logStructuredArguments(canaries);

        String emitted = output.getOut().substring(start);
        canaries.assertNoLeakIn(emitted);
        assertThat(output.getErr()).doesNotContain(jsonFieldCanary);
        List<JsonNode> records = LogCanaries.assertEveryLineIsJson(emitted);
        assertThat(records).hasSizeGreaterThanOrEqualTo(14)
                .allSatisfy(r -> assertThat(r.path("request_id").asText()).isEqualTo("canary-request-0001"));
        JsonNode structured = records.stream().filter(r -> r.path("message").asText().equals("fields only"))
                .findFirst().orElseThrow();
        assertThat(structured.path("token").asText()).isEqualTo(LogMasking.MASK);
        assertThat(structured.path("Set-Cookie").asText()).isEqualTo(LogMasking.MASK);
        assertThat(records).anySatisfy(r -> assertThat(r.path("message").asText()).contains("c***@example.com"));
    }

    @Test
    void localProfileConsoleIsMaskedToo(CapturedOutput output) {
        LoggingProfiles.configure("local");
        LogCanaries canaries = new LogCanaries();
        int start = output.getOut().length();

        MDC.put(RequestIdFilter.MDC_KEY, "canary-request-0002");
        logEveryCanary(canaries);

        String emitted = output.getOut().substring(start);
        canaries.assertNoLeakIn(emitted);
        assertThat(emitted).doesNotStartWith("{").contains("[canary-request-0002]").contains("c***@example.com");
    }

    /** Every value-shaped canary, each in a context that only its own rule covers. */
    private static void logEveryCanary(LogCanaries c) {
        log.info("Access token presented: {}", c.jwt());
        log.info("Zoho access token {} expires soon", c.zohoAccessToken());
        log.info("Calling Zoho with header Authorization: Bearer {}", c.bearerCredential());
        log.info("Calling CRM with header Authorization: Zoho-oauthtoken {}", c.zohoOauthCredential());
        log.info("Callback received: /api/zoho/auth/callback?code={}&state={}&location=eu",
                c.authorizationCode(), c.state());
        log.info("Token request body: grant_type=refresh_token&client_id=pp&client_secret={}&refresh_token={}",
                c.clientSecret(), c.refreshToken());
        log.info("Connecting to jdbc:postgresql://db:5432/pp?user=pp&password={}", c.password());
        log.info("AWS credentials {} and {} resolved", c.awsAccessKey(), c.awsSessionKey());
        log.info("Zoho error body: {\"error\":\"invalid_client\",\"client_secret\":\"{}\"}", c.plain("JSON member"));
        for (String email : c.emails()) {
            log.info("User {} signed in", email);
        }
        log.info("Untrusted input: {}", "hello\n" + c.forgedLineMarker() + " ERROR forged entry\r\nmore");
        log.error("Zoho refresh failed", new IllegalStateException(
                "refresh rejected for token " + c.zohoRefreshToken() + " of " + c.emails().get(0)));
    }

    /** Structured arguments (JSON members, not in the message): masked by their field name alone. */
    private static String logStructuredArguments(LogCanaries c) {
        String token = c.plain("token field");
        log.info("fields only", kv("token", token), kv("secret", c.plain("secret field")),
                kv("password", c.plain("password field")), kv("authorization", c.plain("authorization field")),
                kv("cookie", c.plain("cookie field")), kv("Set-Cookie", c.plain("Set-Cookie field")),
                entries(Map.of("zoho", Map.of("refresh_token", c.plain("nested refresh_token field")))));
        log.info("Structured in message: {}", kv("access_token", c.plain("access_token in message")));
        return token;
    }
}
