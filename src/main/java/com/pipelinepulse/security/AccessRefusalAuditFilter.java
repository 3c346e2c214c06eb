package com.pipelinepulse.security;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.session.AccessTokenClaims;
import com.pipelinepulse.web.Problems;
import com.pipelinepulse.web.RequestPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * ASVS 16.3.2: a signed-in caller answered 403 is a failed authorization attempt and becomes an
 * {@code access_refused} security event (user, method, path, roles, and the reason: {@code forbidden} when the role
 * or the route's rule does not allow it, URL rules and {@code @PreAuthorize} alike; the problem's slug otherwise, for
 * example {@code region_forbidden}). It sits in front of Spring Security's exception translation, so it sees every
 * 403 of the API chain once: the authorization filter's, a method-security denial's and a controller's. The audit
 * module writes at most one row per user, address and reason a minute and counts them all. Anonymous 403s (CORS and
 * CSRF refusals) are stopped before this filter and audited where they happen.
 */
final class AccessRefusalAuditFilter extends OncePerRequestFilter {

    static final int PATH_MAX = 200;

    private final ApplicationEventPublisher events;

    AccessRefusalAuditFilter(ApplicationEventPublisher events) {
        this.events = events;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
        if (response.getStatus() != HttpStatus.FORBIDDEN.value()
                || !(SecurityContextHolder.getContext().getAuthentication() instanceof AccessTokenAuthentication token)) {
            return;
        }
        AccessTokenClaims caller = token.getPrincipal();
        String slug = request.getAttribute(Problems.SLUG_ATTRIBUTE) instanceof String s ? s : "forbidden";
        String path = RequestPaths.of(request);
        events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.ACCESS_REFUSED, caller.userId(), caller.email(),
                Map.of("reason", slug.replace('-', '_'), "method", request.getMethod(),
                        "path", path.length() > PATH_MAX ? path.substring(0, PATH_MAX) : path,
                        "roles", caller.roles())));
    }
}
