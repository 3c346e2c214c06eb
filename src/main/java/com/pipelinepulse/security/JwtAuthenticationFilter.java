package com.pipelinepulse.security;

import com.pipelinepulse.session.AccessTokenClaims;
import com.pipelinepulse.session.AccessTokenVerifier;
import com.pipelinepulse.session.AccessTokenVerifier.InvalidAccessTokenException;
import com.pipelinepulse.web.ProblemResponseWriter;
import com.pipelinepulse.web.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <jwt>} on the API chain. A request without a bearer token
 * continues anonymously (and is refused later if the route needs a user); a bearer token that does not verify
 * is answered at once with 401 {@code invalid-token}, counted in {@value #REJECTIONS} by reason.
 *
 * <p>The cookie endpoints (refresh, logout) ignore the Authorization header: an SPA that attaches its expired
 * access token to the refresh call must still be able to refresh.
 */
final class JwtAuthenticationFilter extends OncePerRequestFilter {

    static final String REJECTIONS = "pipelinepulse.auth.jwt.rejections";
    private static final Logger log = LoggerFactory.getLogger(JwtAuthenticationFilter.class);
    private static final String BEARER = "Bearer ";

    private final AccessTokenVerifier verifier;
    private final ProblemResponseWriter problems;
    private final MeterRegistry meters;

    JwtAuthenticationFilter(AccessTokenVerifier verifier, ProblemResponseWriter problems, MeterRegistry meters) {
        this.verifier = verifier;
        this.problems = problems;
        this.meters = meters;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return CookieEndpointCsrfFilter.isCookieEndpoint(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            chain.doFilter(request, response);
            return;
        }
        AccessTokenClaims claims;
        try {
            claims = verifier.verify(header.substring(BEARER.length()).trim());
        } catch (InvalidAccessTokenException e) {
            reject(request, response, e.reason());
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new AccessTokenAuthentication(claims));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, String reason) throws IOException {
        Counter.builder(REJECTIONS).description("Bearer tokens refused, by reason").tag("reason", reason)
                .register(meters).increment();
        log.debug("Refused a bearer token on {} {}: {}", request.getMethod(), request.getRequestURI(), reason);
        SecurityContextHolder.clearContext();
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        problems.write(request, response, ProblemType.INVALID_TOKEN,
                "The access token is invalid or expired; refresh it or sign in again.");
    }
}
