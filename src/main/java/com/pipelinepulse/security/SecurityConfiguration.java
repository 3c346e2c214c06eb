package com.pipelinepulse.security;

import com.pipelinepulse.ratelimit.PerUserRateLimits;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.actuate.metrics.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The filter chains, one per concern. Actuator lives on the management port (see docs/security.md);
 * {@code /api/**} is denied unless a rule below permits it; everything is stateless.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain actuatorChain(HttpSecurity http, ProblemAuthenticationEntryPoint problems) throws Exception {
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class,
                                PrometheusScrapeEndpoint.class)).permitAll()
                        .anyRequest().denyAll());
        return common(http, problems).build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiChain(HttpSecurity http, ProblemAuthenticationEntryPoint problems,
            PerUserRateLimits perUserRateLimits) throws Exception {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(auth -> auth
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        // Sign-in start and Zoho's redirect back: anonymous by nature.
                        .requestMatchers(HttpMethod.GET, "/api/zoho/auth", "/api/zoho/auth/callback").permitAll()
                        .anyRequest().denyAll());
        // Per-user rate limits run after authorization (they key on the principal); per-address ones run earlier.
        perUserRateLimits.customize(http);
        return common(http, problems).build();
    }

    /**
     * Everything outside {@code /api/**} and actuator: no controllers live there (the route inventory
     * test keeps it so), so unknown paths get a plain 404 problem rather than a misleading 401.
     */
    @Bean
    @Order(100)
    SecurityFilterChain fallbackChain(HttpSecurity http, ProblemAuthenticationEntryPoint problems) throws Exception {
        http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        return common(http, problems).build();
    }

    private static HttpSecurity common(HttpSecurity http, ProblemAuthenticationEntryPoint problems) throws Exception {
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(f -> f.deny()));
    }
}
