package com.pipelinepulse.security;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.web.ProblemResponseWriter;
import com.pipelinepulse.web.Problems;
import com.pipelinepulse.web.RequestPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;

/**
 * CSRF defence for the two endpoints that act on the refresh cookie ({@code POST /api/auth/refresh} and
 * {@code POST /api/auth/logout}); everything else is authorised by a bearer token that a browser never sends
 * on its own. A request is accepted only when it carries {@value #HEADER}{@code : }{@value #HEADER_VALUE}
 * (a custom header: a cross-site form or image cannot send it, and a cross-site script can only send it after
 * a CORS preflight that only allowlisted origins pass) and an {@code Origin} header that is in
 * {@code pipelinepulse.cors.allowed-origins}. Refusals are 403 {@code csrf-rejected} problems.
 */
final class CookieEndpointCsrfFilter extends org.springframework.web.filter.OncePerRequestFilter {

    static final String HEADER = "X-Requested-With";
    static final String HEADER_VALUE = "pipeline-pulse";
    static final String SLUG = "csrf-rejected";

    private final CorsProperties cors;
    private final ProblemResponseWriter problems;
    private final ApplicationEventPublisher events;

    CookieEndpointCsrfFilter(CorsProperties cors, ProblemResponseWriter problems, ApplicationEventPublisher events) {
        this.cors = cors;
        this.problems = problems;
        this.events = events;
    }

    static final String REFRESH = "/api/auth/refresh";
    static final String LOGOUT = "/api/auth/logout";

    /**
     * On the routed path, never the raw URI: {@code /api/auth/%72efresh} reaches the refresh endpoint as well
     * (and {@code ;jsessionid=}, {@code //} or a trailing slash either reach it or are refused after this check).
     */
    static boolean isCookieEndpoint(HttpServletRequest request) {
        String path = RequestPaths.of(request);
        return REFRESH.equals(path) || LOGOUT.equals(path);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && isCookieEndpoint(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String reason = null;
        if (!HEADER_VALUE.equals(request.getHeader(HEADER))) {
            reason = "missing_csrf_header";
        } else if (!cors.allows(request.getHeader(HttpHeaders.ORIGIN))) {
            reason = "origin_not_allowed";
        }
        if (reason == null) {
            chain.doFilter(request, response);
            return;
        }
        String type = REFRESH.equals(RequestPaths.of(request)) ? SecurityEvent.Types.REFRESH
                : SecurityEvent.Types.LOGOUT;
        events.publishEvent(SecurityEvent.failure(type, null, null, Map.of("reason", reason)));
        problems.write(response, Problems.of(SLUG, "Cross-site request refused", 403,
                "This endpoint needs the " + HEADER + ": " + HEADER_VALUE
                        + " header and an allowed Origin (see docs/authentication.md).", Map.of(), request));
    }
}
