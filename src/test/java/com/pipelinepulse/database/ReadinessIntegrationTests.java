package com.pipelinepulse.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pipelinepulse.PipelinePulseApplication;
import com.pipelinepulse.testsupport.TcpProxy;
import com.pipelinepulse.testsupport.TestDatabase;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

/**
 * Readiness follows the database without a restart, and liveness never does: an orchestrator must
 * stop routing traffic, not kill the process, while PostgreSQL is away.
 */
class ReadinessIntegrationTests {

    @Test
    void readinessFollowsTheDatabaseWhileLivenessStaysUp() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.coordinates();
        URI target = URI.create(db.url().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort());
                ConfigurableApplicationContext app = new SpringApplicationBuilder(PipelinePulseApplication.class)
                        .profiles("test")
                        .run("--server.port=0", "--management.server.port=0",
                                "--spring.datasource.url=" + db.url().replace(
                                        target.getHost() + ":" + target.getPort(), "127.0.0.1:" + proxy.port()),
                                "--spring.datasource.username=" + db.username(),
                                "--spring.datasource.password=" + db.password(),
                                "--spring.datasource.hikari.connection-timeout=2000")) {
            RestClient management = RestClient.create(
                    "http://127.0.0.1:" + app.getEnvironment().getProperty("local.management.port"));

            assertThat(status(management, "/actuator/health/readiness")).isEqualTo(200);

            proxy.cut();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> status(management, "/actuator/health/readiness") == 503);
            assertThat(status(management, "/actuator/health/liveness")).isEqualTo(200);

            proxy.restore();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> status(management, "/actuator/health/readiness") == 200);
            assertThat(status(management, "/actuator/health/liveness")).isEqualTo(200);
        }
    }

    private static int status(RestClient client, String path) {
        return client.get().uri(path).retrieve().onStatus(HttpStatusCode::isError, (req, res) -> { })
                .toBodilessEntity().getStatusCode().value();
    }
}
