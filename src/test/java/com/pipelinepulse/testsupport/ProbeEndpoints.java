package com.pipelinepulse.testsupport;

import java.sql.SQLException;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.http.MediaType;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints that exist only in tests ({@code /probe/**}), standing in for real ones so that every error path of the
 * web layer can be provoked (ProblemResponsesIntegrationTests, RequestLimitsIntegrationTests). Part of every
 * {@link IntegrationTest} context: imported there, not by single test classes, so that it does not split the
 * shared context.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ProbeEndpoints {

    /** The JSON body {@code POST /probe/echo} reads and returns. */
    public record Echo(String name) {
    }

    @RestController
    static class ProbeController {
        @PostMapping(path = "/probe/echo", consumes = MediaType.APPLICATION_JSON_VALUE)
        Echo echo(@RequestBody Echo echo) {
            return echo;
        }

        @GetMapping("/probe/boom")
        String boom() {
            throw new IllegalStateException("probe-internal-detail");
        }

        @GetMapping("/probe/database-away")
        String databaseAway() {
            throw new CannotGetJdbcConnectionException("probe-pool-detail",
                    new SQLException("Connection refused", "08001"));
        }
    }
}
