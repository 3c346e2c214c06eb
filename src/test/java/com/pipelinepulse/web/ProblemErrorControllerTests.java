package com.pipelinepulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.CannotCreateTransactionException;

/** Errors thrown by filters reach the container's error dispatch, not the MVC exception handler. */
class ProblemErrorControllerTests {

    private final ProblemErrorController controller = new ProblemErrorController();

    @Test
    void aFilterFailingForWantOfTheDatabaseIs503WithRetryAfter() {
        MockHttpServletRequest request = errorDispatch(500, new IllegalStateException("wrapped",
                new CannotCreateTransactionException("no connection", new SQLException("terminating", "57P01"))));
        ResponseEntity<ProblemDetail> answer = controller.error(request);
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(answer.getBody().getType().toString()).isEqualTo("urn:pipeline-pulse:problem:service-unavailable");
    }

    /**
     * The per-address rate limit rolling back on a connection the pool closed as PostgreSQL stopped: HikariCP's closed
     * proxy says so without an SQLState (perf/faults.sh pg answered one refresh 500 this way).
     */
    @Test
    void aCallOnAConnectionThePoolClosedIs503() {
        ResponseEntity<ProblemDetail> answer = controller.error(errorDispatch(500,
                new IllegalStateException("bucket", new SQLException("Connection is closed"))));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    }

    @Test
    void anyOtherFilterFailureStays500() {
        ResponseEntity<ProblemDetail> answer = controller.error(
                errorDispatch(500, new IllegalStateException("bug", new SQLException("syntax", "42601"))));
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(controller.error(errorDispatch(500, new IllegalStateException("bug",
                new SQLException("Connection is closed for some other reason")))).getStatusCode().value())
                .as("only HikariCP's exact message").isEqualTo(500);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
    }

    private static MockHttpServletRequest errorDispatch(int status, Throwable error) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, error);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/api/auth/me");
        return request;
    }
}
