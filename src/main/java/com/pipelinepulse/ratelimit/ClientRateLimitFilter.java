package com.pipelinepulse.ratelimit;

import com.pipelinepulse.observability.ClientAddress;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The per-address limits on the public sign-in and refresh endpoints. Runs before Spring Security, so a refused
 * request costs one bucket update and nothing else: no token parsing, no controller, no Zoho call.
 */
final class ClientRateLimitFilter extends OncePerRequestFilter {

    private final BucketRateLimiter limiter;
    private final FailureThrottle throttle;
    private final RateLimitRejections rejections;

    ClientRateLimitFilter(BucketRateLimiter limiter, FailureThrottle throttle, RateLimitRejections rejections) {
        this.limiter = limiter;
        this.throttle = throttle;
        this.rejections = rejections;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        LimitedEndpoint endpoint = LimitedEndpoint.match(request);
        if (endpoint == null || !endpoint.perClientAddress()) {
            chain.doFilter(request, response);
            return;
        }
        String caller = ClientKeys.forAddress(ClientAddress.of(request));
        if (endpoint.failureThrottled()) {
            FailureThrottle.Standing standing = throttle.standing(caller);
            if (!standing.onRecord()) {
                request.setAttribute(FailureThrottle.NOTHING_ON_RECORD, Boolean.TRUE);
            }
            Duration wait = standing.remainingWait();
            if (!wait.isZero()) {
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                rejections.reject(request, response, endpoint, caller, "failure_throttle", seconds);
                return;
            }
        }
        long retryAfter = limiter.tryConsume(endpoint, caller);
        if (retryAfter > 0) {
            rejections.reject(request, response, endpoint, caller, "rate_limit", retryAfter);
            return;
        }
        chain.doFilter(request, response);
    }
}
