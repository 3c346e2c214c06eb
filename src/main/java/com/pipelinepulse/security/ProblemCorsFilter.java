package com.pipelinepulse.security;

import com.pipelinepulse.web.ProblemResponseWriter;
import com.pipelinepulse.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring's CORS processing (allowlist, credentials, preflight answers), except that a refused CORS request is
 * a 403 {@code cors-rejected} problem+json like every other error instead of a plain-text body.
 */
final class ProblemCorsFilter extends OncePerRequestFilter {

    private final CorsConfigurationSource source;
    private final ProblemResponseWriter problems;
    private final DefaultCorsProcessor processor = new DefaultCorsProcessor() {
        @Override
        protected void rejectRequest(ServerHttpResponse response) {
            // The filter writes the problem body.
        }
    };

    ProblemCorsFilter(CorsConfigurationSource source, ProblemResponseWriter problems) {
        this.source = source;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        CorsConfiguration config = source.getCorsConfiguration(request);
        if (!processor.processRequest(config, request, response)) {
            problems.write(response, Problems.of("cors-rejected", "Cross-origin request refused", 403,
                    "This origin may not call the API.", Map.of(), request));
            return;
        }
        if (CorsUtils.isPreFlightRequest(request)) {
            return;
        }
        chain.doFilter(request, response);
    }
}
