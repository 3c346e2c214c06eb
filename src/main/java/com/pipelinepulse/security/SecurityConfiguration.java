package com.pipelinepulse.security;

import com.pipelinepulse.ratelimit.PerUserRateLimits;
import com.pipelinepulse.session.AccessTokenVerifier;
import com.pipelinepulse.web.ProblemResponseWriter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.actuate.metrics.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The filter chains, one per concern. Actuator lives on the management port (see docs/security.md);
 * {@code /api/**} is denied unless a rule below permits it; everything is stateless.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableMethodSecurity
class SecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    /**
     * No Micrometer observation per security filter and per authorization decision: they cost more CPU than
     * a whole 401 answer (docs/benchmarks.md) and no metric or alert of ours uses them. Requests are still
     * observed once each ({@code http_server_requests}), and security outcomes are counted by the audit module.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

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
                        // Reachability check: no data behind it (web module).
                        .requestMatchers(HttpMethod.GET, "/api/ping").permitAll()
                        // Sign-in start and Zoho's redirect back: anonymous by nature.
                        .requestMatchers(HttpMethod.GET, "/api/zoho/auth", "/api/zoho/auth/callback").permitAll()
                        // Session endpoints (docs/authentication.md). Refresh and logout authenticate by the
                        // refresh cookie, guarded by CookieEndpointCsrfFilter.
                        .requestMatchers(HttpMethod.POST, "/api/auth/refresh", "/api/auth/logout").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/auth/me", "/api/auth/sessions").authenticated()
                        .requestMatchers(HttpMethod.DELETE, "/api/auth/sessions", "/api/auth/sessions/*")
                        .authenticated()
                        // Administration (audit trail, users): admins only; controllers check the role again.
                        .requestMatchers("/api/admin/**").hasRole("ADMIN")
                        // The person's own Zoho connection (zoho module): any role. Bearer token only, no cookie.
                        .requestMatchers(HttpMethod.GET, "/api/zoho/connection").authenticated()
                        .requestMatchers(HttpMethod.POST, "/api/zoho/connection/test", "/api/zoho/refresh")
                        .authenticated()
                        // Pipeline figures (pipeline module): every role reads; the module scopes viewers to their region.
                        .requestMatchers(HttpMethod.GET, "/api/pipeline/**").hasRole("VIEWER")
                        .anyRequest().denyAll());
        apiAuthentication(http);
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

    private final AccessTokenVerifier verifier;
    private final ProblemResponseWriter problemWriter;
    private final MeterRegistry meters;
    private final CorsProperties cors;
    private final ApplicationEventPublisher events;
    private final boolean hsts;

    SecurityConfiguration(AccessTokenVerifier verifier, ProblemResponseWriter problemWriter, MeterRegistry meters,
            CorsProperties cors, ApplicationEventPublisher events, Environment environment) {
        this.verifier = verifier;
        this.problemWriter = problemWriter;
        this.meters = meters;
        this.cors = cors;
        this.events = events;
        this.hsts = !environment.acceptsProfiles(Profiles.of("local"));
    }

    /** Admin can do what a manager can, a manager what a viewer can. */
    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy("ROLE_ADMIN > ROLE_MANAGER\nROLE_MANAGER > ROLE_VIEWER");
    }

    /** CORS with credentials for the allowlisted SPA origins only; bearer JWT authentication; cookie CSRF; 403s audited. */
    private void apiAuthentication(HttpSecurity http) throws Exception {
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(cors.allowedOrigins());
        config.setAllowCredentials(true);
        config.setAllowedMethods(List.of("GET", "POST", "PATCH", "DELETE"));
        config.setAllowedHeaders(List.of("Authorization", "Content-Type", CookieEndpointCsrfFilter.HEADER,
                "X-Request-Id"));
        config.setExposedHeaders(List.of("X-Request-Id", "WWW-Authenticate"));
        config.setMaxAge(Duration.ofMinutes(10));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", config);
        http.cors(AbstractHttpConfigurer::disable)
                .addFilterAt(new ProblemCorsFilter(source, problemWriter), CorsFilter.class)
                .addFilterAt(new CookieEndpointCsrfFilter(cors, problemWriter, events), CsrfFilter.class)
                .addFilterBefore(new JwtAuthenticationFilter(verifier, problemWriter, meters),
                        AnonymousAuthenticationFilter.class)
                // Every 403 to a signed-in caller is audited (access_refused), whichever layer refused.
                .addFilterBefore(new AccessRefusalAuditFilter(events), ExceptionTranslationFilter.class)
                // Tokens, profiles and session lists must never sit in a cache.
                .headers(h -> h.cacheControl(c -> c.disable())
                        .addHeaderWriter(new StaticHeadersWriter("Cache-Control", "no-store")));
    }

    private HttpSecurity common(HttpSecurity http, ProblemAuthenticationEntryPoint problems) throws Exception {
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
                        .frameOptions(f -> f.deny())
                        .httpStrictTransportSecurity(hstsConfig -> {
                            if (hsts) {
                                // On every response, not only on requests that arrived over TLS: behind a
                                // TLS-terminating load balancer the request looks like plain http here.
                                hstsConfig.requestMatcher(AnyRequestMatcher.INSTANCE).includeSubDomains(true)
                                        .maxAgeInSeconds(Duration.ofDays(365).toSeconds());
                            } else {
                                hstsConfig.disable();
                            }
                        }));
    }
}
