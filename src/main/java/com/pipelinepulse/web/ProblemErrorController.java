package com.pipelinepulse.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's whitelabel {@code /error}: errors raised outside Spring MVC (a filter, the
 * container rejecting a request) are rendered as the same problem+json as everything else.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 404;
        if (status < 400) {
            status = 500;
        }
        HttpHeaders headers = new HttpHeaders();
        String detail = null;
        // An error thrown by a filter (token revocation lookup, rate limit) while PostgreSQL is unreachable.
        if (status == 500 && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable error
                && DatabaseUnavailable.is(error)) {
            status = 503;
            detail = "The database is unavailable; try again shortly.";
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS));
        }
        ProblemType type = ProblemType.forStatus(status);
        if (detail == null) {
            detail = status >= 500 ? "The server could not complete the request." : type.title() + ".";
        }
        ProblemDetail problem = Problems.of(type.slug(), type.title(), status, detail, Map.of(), request);
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return ResponseEntity.status(status).headers(headers).body(problem);
    }
}
