package com.pipelinepulse.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Alert rules and the Grafana dashboard use only metrics that docs/observability.md lists. */
class MonitoringAssetsTests {

    private static final Pattern METRIC = Pattern.compile("\\b(pipelinepulse_[a-z_]+|http_server_requests_seconds[a-z_]*)");

    @Test
    void alertRulesUseDocumentedMetricsOnly() throws IOException {
        assertThat(metricsIn(Files.readString(Path.of("deploy/prometheus/alerts.yml")))).isNotEmpty()
                .isSubsetOf(documented());
    }

    @Test
    void dashboardIsValidJsonUsingDocumentedMetricsOnly() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana/pipeline-pulse-auth.json").toFile());
        assertThat(dashboard.path("uid").asText()).isEqualTo("pipeline-pulse-auth");
        StringBuilder expressions = new StringBuilder();
        dashboard.path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> expressions.append(target.path("expr").asText()).append('\n')));
        assertThat(metricsIn(expressions.toString())).isNotEmpty().isSubsetOf(documented());
    }

    private static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        PrometheusScrapeIntegrationTests.documentedMetrics().forEach(m -> names.add(m.name()));
        return names;
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1).replaceAll("_(bucket|count|sum)$", ""));
        }
        return names;
    }
}
