package com.pipelinepulse.ratelimit;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.pipelinepulse.audit.SecurityEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Stand-ins for endpoints that other modules build, mapped at their real paths so that the rate-limit filters
 * are exercised exactly where they will work: each counts its calls, the sign-in probe calls the in-process Zoho
 * stand-in like the real sign-in does, and the callback and refresh probes publish the outcome events that the
 * real ones publish.
 */
@TestConfiguration(proxyBeanMethods = false)
class RateLimitProbes {

    static final WireMockServer ZOHO = startZoho();
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    private static WireMockServer startZoho() {
        WireMockServer server = new WireMockServer(
                options().dynamicPort().usingFilesUnderClasspath("zoho-stand-in").globalTemplating(true));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    static int calls(String probe) {
        return CALLS.getOrDefault(probe, new AtomicInteger()).get();
    }

    private static void count(String probe) {
        CALLS.computeIfAbsent(probe, k -> new AtomicInteger()).incrementAndGet();
    }

    @Bean
    MutableClock testClock() {
        return new MutableClock(Instant.now());
    }

    /**
     * The real rules for these paths belong to the session and security work; until they exist the API chain
     * denies them, so the tests route them through this chain, which applies the same per-user limits.
     */
    @Bean
    @Order(0)
    SecurityFilterChain rateLimitProbeChain(HttpSecurity http, PerUserRateLimits perUserRateLimits) throws Exception {
        http.securityMatcher("/api/auth/refresh", "/api/zoho/refresh", "/api/zoho/connection/test", "/api/admin/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/api/auth/refresh").permitAll()
                        .anyRequest().authenticated())
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        perUserRateLimits.customize(http);
        return http.build();
    }

    @RestController
    static class SignInProbe {
        private final RestClient zoho = RestClient.create();
        private final ApplicationEventPublisher events;

        SignInProbe(ApplicationEventPublisher events) {
            this.events = events;
        }

        @GetMapping("/api/zoho/auth")
        String start(@RequestParam String probe) {
            count(probe);
            zoho.get().uri(ZOHO.baseUrl() + "/oauth/v2/auth?redirect_uri=https://api.example.test/cb&probe=" + probe)
                    .retrieve().toBodilessEntity();
            return "started";
        }

        @GetMapping("/api/zoho/auth/callback")
        String callback(@RequestParam String probe, @RequestParam String outcome) {
            count(probe);
            events.publishEvent(new SecurityEvent(SecurityEvent.Types.SIGN_IN, outcome, null, "probe", Map.of()));
            return outcome;
        }

        @PostMapping("/api/auth/refresh")
        String refresh(@RequestParam String probe, @RequestParam String outcome) {
            count(probe);
            events.publishEvent(new SecurityEvent(SecurityEvent.Types.REFRESH, outcome, null, "probe", Map.of()));
            return outcome;
        }
    }

    @RestController
    static class SignedInProbe {
        @PostMapping({"/api/zoho/refresh", "/api/zoho/connection/test"})
        String zoho(@RequestParam String probe) {
            count(probe);
            return "done";
        }

        @RequestMapping("/api/admin/users")
        String admin(@RequestParam String probe) {
            count(probe);
            return "done";
        }
    }

    /** A clock the tests move forward instead of sleeping. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
