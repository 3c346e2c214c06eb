package com.pipelinepulse.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pipelinepulse.PipelinePulseApplication;
import com.pipelinepulse.testsupport.TcpProxy;
import com.pipelinepulse.testsupport.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Stream;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Readiness follows the database without a restart, and liveness never does: an orchestrator must
 * stop routing traffic, not kill the process, while PostgreSQL is away.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadinessIntegrationTests {

    private static final Set<String> HEALTH_CHECK_THREADS = Set.of("db-health", "auth-health");

    @Test
    void readinessFollowsTheDatabaseWhileLivenessStaysUp(CapturedOutput output) throws Exception {
        Set<Thread> before = healthCheckThreads();
        TestDatabase.Coordinates db = TestDatabase.coordinates();
        URI target = URI.create(db.url().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort());
                ConfigurableApplicationContext app = new SpringApplicationBuilder(PipelinePulseApplication.class)
                        .profiles("test")
                        .run(Stream.concat(Stream.of("--server.port=0", "--management.server.port=0",
                                "--spring.datasource.url=" + db.url().replace(
                                        target.getHost() + ":" + target.getPort(), "127.0.0.1:" + proxy.port()),
                                "--spring.datasource.username=" + db.username(),
                                "--spring.datasource.password=" + db.password(),
                                // Requests would wait this long for a connection; readiness must not.
                                "--spring.datasource.hikari.connection-timeout=10000"),
                                db.migrationArguments().stream()).toArray(String[]::new))) {
            // The JDK client: Apache HttpClient (on the test classpath) would quietly retry a 503 after 1 s.
            RestClient management = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
                    .baseUrl("http://127.0.0.1:" + app.getEnvironment().getProperty("local.management.port")).build();

            assertThat(status(management, "/actuator/health/readiness")).isEqualTo(200);

            proxy.cut();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> status(management, "/actuator/health/readiness") == 503);
            // Every probe while the database is away answers DOWN itself, well inside the 10 s a request would
            // wait for a pooled connection (an orchestrator must see 503, not a probe timeout).
            for (int probe = 0; probe < 3; probe++) {
                long started = System.nanoTime();
                assertThat(status(management, "/actuator/health/readiness")).isEqualTo(503);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            }
            assertThat(status(management, "/actuator/health/liveness")).isEqualTo(200);

            proxy.restore();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> status(management, "/actuator/health/readiness") == 200);
            assertThat(status(management, "/actuator/health/liveness")).isEqualTo(200);
            assertThat(healthCheckThreads()).as("this application's health checks run on threads of their own")
                    .hasSizeGreaterThan(before.size());
        }
        // Closing the application stops its health-check threads, and the web servers find none of theirs left.
        assertThat(healthCheckThreads()).isSubsetOf(before);
        assertThat(output.getAll()).doesNotContain("appears to have started a thread named");
    }

    private static Set<Thread> healthCheckThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> HEALTH_CHECK_THREADS.contains(t.getName()) && t.isAlive())
                .collect(Collectors.toSet());
    }

    private static int status(RestClient client, String path) {
        return client.get().uri(path).retrieve().onStatus(HttpStatusCode::isError, (req, res) -> { })
                .toBodilessEntity().getStatusCode().value();
    }
}
