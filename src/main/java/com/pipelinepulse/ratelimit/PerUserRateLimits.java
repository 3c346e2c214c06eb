package com.pipelinepulse.ratelimit;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Adds the per-user rate limits ({@code /api/zoho/refresh}, {@code /api/zoho/connection/test}, writes under
 * {@code /api/admin/**}) to a security filter chain, after authorization: the security module applies it to the
 * API chain. The per-address limits need no such step; they are a plain servlet filter ahead of Spring Security.
 */
public final class PerUserRateLimits implements Customizer<HttpSecurity> {

    private final UserRateLimitFilter filter;

    PerUserRateLimits(UserRateLimitFilter filter) {
        this.filter = filter;
    }

    @Override
    public void customize(HttpSecurity http) {
        http.addFilterAfter(filter, AuthorizationFilter.class);
    }
}
