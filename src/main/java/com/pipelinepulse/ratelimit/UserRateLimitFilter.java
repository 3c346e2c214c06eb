package com.pipelinepulse.ratelimit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The per-user limits. Sits inside the API security chain after authorization, so it only ever sees requests
 * that are authenticated and allowed, keyed by the principal's name.
 */
final class UserRateLimitFilter extends OncePerRequestFilter {

    private final BucketRateLimiter limiter;
    private final RateLimitRejections rejections;
    private final boolean enabled;

    UserRateLimitFilter(BucketRateLimiter limiter, RateLimitRejections rejections, boolean enabled) {
        this.limiter = limiter;
        this.rejections = rejections;
        this.enabled = enabled;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        LimitedEndpoint endpoint = LimitedEndpoint.match(request);
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        if (!enabled || endpoint == null || endpoint.perClientAddress() || user == null || !user.isAuthenticated()
                || user instanceof AnonymousAuthenticationToken) {
            chain.doFilter(request, response);
            return;
        }
        String caller = ClientKeys.forUser(user.getName());
        long retryAfter = limiter.tryConsume(endpoint, caller);
        if (retryAfter > 0) {
            rejections.reject(request, response, endpoint, caller, "rate_limit", retryAfter);
            return;
        }
        chain.doFilter(request, response);
    }
}
