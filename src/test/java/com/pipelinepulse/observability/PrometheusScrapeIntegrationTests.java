package com.pipelinepulse.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import com.pipelinepulse.zoho.ZohoCrmClient;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatusCode;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.client.RestClient;

/**
 * After the flows run, a Prometheus scrape contains every metric that docs/observability.md lists (except those
 * marked "(planned)", which must not be there yet): the doc is the single list, extended as modules land.
 */
@ZohoIntegrationTest
class PrometheusScrapeIntegrationTests {

    private static final Path DOC = Path.of("docs/observability.md");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_:]+)`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|");

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    ZohoCrmClient crm;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenCipher cipher;
    @Autowired
    MockMvc mvc;

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int serverPort;

    record DocumentedMetric(String name, String type, String module) {
        boolean planned() {
            return module.contains("(planned)");
        }
    }

    @Test
    void everyDocumentedMetricIsInTheScrapeAfterTheFlows() throws IOException {
        List<DocumentedMetric> documented = documentedMetrics();
        assertThat(documented).extracting(DocumentedMetric::name)
                .contains("pipelinepulse_auth_sign_ins_total", "pipelinepulse_ratelimit_rejections_total",
                        "http_server_requests_seconds");

        runFlows();
        String scrape = RestClient.create("http://127.0.0.1:" + managementPort).get().uri("/actuator/prometheus")
                .retrieve().body(String.class);

        for (DocumentedMetric metric : documented) {
            if (metric.planned()) {
                assertThat(hasSamples(scrape, metric.name()))
                        .as("%s is marked (planned) in %s but the scrape has it: remove the mark", metric.name(), DOC)
                        .isFalse();
            } else {
                assertThat(hasSamples(scrape, metric.name()))
                        .as("%s (module %s) listed in %s is missing from the scrape", metric.name(),
                                metric.module().trim(), DOC)
                        .isTrue();
            }
        }
        assertThat(value(scrape, "pipelinepulse_auth_sign_ins_total", "outcome=\"failure\"")).isGreaterThan(0);
        assertThat(value(scrape, "pipelinepulse_auth_refresh_reuse_total", "")).isGreaterThan(0);
        assertThat(value(scrape, "pipelinepulse_health_status", "check=\"auth\"")).isEqualTo(1);
        assertThat(value(scrape, "pipelinepulse_zoho_token_refreshes_total", "outcome=\"success\"")).isGreaterThan(0);
        assertThat(value(scrape, "pipelinepulse_zoho_token_cache_lookups_total", "result=\"hit\"")).isGreaterThan(0);
        assertThat(value(scrape, "resilience4j_circuitbreaker_state", "name=\"zoho-us\",state=\"closed\""))
                .isEqualTo(1);
        assertThat(value(scrape, "pipelinepulse_health_status", "check=\"db\"")).isEqualTo(1);
        for (String le : List.of("0.05", "0.1", "0.25", "0.5", "+Inf")) {
            assertThat(scrape).as("SLO bucket %s", le)
                    .containsPattern("(?m)^http_server_requests_seconds_bucket\\{[^}]*le=\"" + Pattern.quote(le) + "\"");
        }
    }

    /**
     * What the flows of this branch can run: one security event of every type and outcome, and API requests.
     * End-to-end flows (sign-in, refresh, Zoho refresh) are added here as the modules that serve them land.
     * Zoho: a CRM call through the stand-in with an expired access token (one refresh), then one from the cache.
     */
    private void runFlows() {
        UUID zohoUser = new TestSessions(users, opener, jdbc, mvc).user(Role.VIEWER).id();
        new ZohoConnectionRows(jdbc, cipher).insertExpired(zohoUser, ZohoConnectionRows.usAdminToken());
        for (int i = 0; i < 2; i++) {
            assertThat(crm.get(zohoUser, "/crm/v8/users", Map.of("type", "CurrentUser")).get("users")).isNotNull();
        }
        for (String type : eventTypes()) {
            events.publishEvent(SecurityEvent.success(type, UUID.randomUUID(), "scrape@example.com", Map.of()));
            events.publishEvent(SecurityEvent.failure(type, UUID.randomUUID(), "scrape@example.com", Map.of()));
        }
        RestClient api = RestClient.create("http://127.0.0.1:" + serverPort);
        for (String path : List.of("/api/auth/refresh", "/api/zoho/connection", "/api/admin/audit")) {
            api.get().uri(path).retrieve().onStatus(HttpStatusCode::isError, (req, res) -> { }).toBodilessEntity();
        }
        // A refused access token, so that the JWT rejection counter has a sample.
        api.get().uri("/api/auth/me").header("Authorization", "Bearer not.a.jwt").retrieve()
                .onStatus(HttpStatusCode::isError, (req, res) -> { }).toBodilessEntity();
    }

    private static List<String> eventTypes() {
        return Arrays.stream(SecurityEvent.Types.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(f -> {
                    try {
                        return (String) f.get(null);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    static List<DocumentedMetric> documentedMetrics() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf("## Metrics");
        assertThat(start).as("%s has a '## Metrics' section", DOC).isNotNegative();
        List<DocumentedMetric> metrics = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                metrics.add(new DocumentedMetric(row.group(1), row.group(2).trim(), row.group(4).trim()));
            }
        }
        return metrics;
    }

    private static boolean hasSamples(String scrape, String name) {
        Pattern sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(_bucket|_count|_sum|_max)?[{ ]");
        return sample.matcher(scrape).find();
    }

    private static double value(String scrape, String name, String labelFragment) {
        Pattern sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$");
        Matcher m = sample.matcher(scrape);
        while (m.find()) {
            if (m.group(1).contains(labelFragment)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }
}
