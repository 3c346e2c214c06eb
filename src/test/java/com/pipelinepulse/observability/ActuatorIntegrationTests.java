package com.pipelinepulse.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.IntegrationTest;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

@IntegrationTest
class ActuatorIntegrationTests {

    @Autowired
    PathMappedEndpoints endpoints;

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int serverPort;

    @Test
    void exactlyHealthInfoAndPrometheusAreExposed() {
        List<String> exposed = endpoints.getAllRootPaths().stream().sorted().collect(Collectors.toList());
        assertThat(exposed).containsExactly("health", "info", "prometheus");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump",
            "/actuator/threaddump", "/actuator/loggers", "/actuator/metrics", "/actuator/mappings",
            "/actuator/shutdown", "/actuator/conditions", "/actuator/scheduledtasks"})
    void otherEndpointsAreNotReachable(String path) {
        assertThat(get(managementPort, path).getStatusCode().value()).isIn(403, 404);
    }

    @Test
    void healthProbesAndInfoArePublicOnTheManagementPort() {
        ResponseEntity<String> liveness = get(managementPort, "/actuator/health/liveness");
        assertThat(liveness.getStatusCode().value()).isEqualTo(200);
        assertThat(liveness.getBody()).contains("\"UP\"");

        ResponseEntity<String> readiness = get(managementPort, "/actuator/health/readiness");
        assertThat(readiness.getStatusCode().value()).isEqualTo(200);
        assertThat(readiness.getBody()).contains("\"db\"");

        ResponseEntity<String> info = get(managementPort, "/actuator/info");
        assertThat(info.getStatusCode().value()).isEqualTo(200);
        assertThat(info.getBody()).contains("\"build\"").contains("pipeline-pulse-api");
    }

    @Test
    void prometheusIsServedOnTheManagementPortOnly() {
        ResponseEntity<String> scrape = get(managementPort, "/actuator/prometheus");
        assertThat(scrape.getStatusCode().value()).isEqualTo(200);
        assertThat(scrape.getBody()).contains("jvm_memory_used_bytes");

        assertThat(get(serverPort, "/actuator/prometheus").getStatusCode().value()).isEqualTo(404);
        assertThat(get(serverPort, "/actuator/health").getStatusCode().value()).isEqualTo(404);
    }

    private static ResponseEntity<String> get(int port, String path) {
        return RestClient.create("http://127.0.0.1:" + port).get().uri(path).retrieve()
                .onStatus(HttpStatusCode::isError, (req, res) -> { })
                .toEntity(String.class);
    }
}
