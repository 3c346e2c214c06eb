package com.pipelinepulse.ratelimit;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.observability.MetricNames;
import com.pipelinepulse.web.ProblemResponseWriter;
import com.pipelinepulse.web.ProblemType;
import com.pipelinepulse.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;

/**
 * Answers a request that is over a limit: 429 problem+json with {@code Retry-After}, the rejection metric, and a
 * {@code rate_limited} security event. The metric counts every rejection; the event is published at most once a
 * minute per endpoint and caller on each instance, so that a flood of rejected requests cannot become a flood of
 * audit rows.
 */
final class RateLimitRejections {

    static final String METRIC = MetricNames.RATE_LIMIT_REJECTIONS;
    private static final Logger log = LoggerFactory.getLogger(RateLimitRejections.class);
    private static final long EVENT_INTERVAL_MILLIS = 60_000;
    private static final int MAX_REMEMBERED = 10_000;

    private final ProblemResponseWriter writer;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Long> lastEvent = new ConcurrentHashMap<>();

    RateLimitRejections(ProblemResponseWriter writer, ApplicationEventPublisher events, MeterRegistry meters,
            Clock clock) {
        this.writer = writer;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
        // Registered at 0 for every endpoint, so dashboards and alerts see zero rather than no data.
        for (LimitedEndpoint endpoint : LimitedEndpoint.values()) {
            counter(endpoint);
        }
    }

    private Counter counter(LimitedEndpoint endpoint) {
        return Counter.builder(METRIC).description("Requests refused by a rate limit or failure throttling")
                .tag("endpoint", endpoint.slug()).register(meters);
    }

    void reject(HttpServletRequest request, HttpServletResponse response, LimitedEndpoint endpoint, String callerKey,
            String reason, long retryAfterSeconds) throws IOException {
        counter(endpoint).increment();
        if (shouldPublish(endpoint.slug() + "|" + callerKey)) {
            log.info("Rate limit reached on {} for {} ({}), retry after {}s", endpoint.slug(), callerKey, reason,
                    retryAfterSeconds);
            events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.RATE_LIMITED, null, callerKey,
                    Map.of("endpoint", endpoint.slug(), "reason", reason, "retry_after_seconds", retryAfterSeconds)));
        }
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        writer.write(response, Problems.of(ProblemType.TOO_MANY_REQUESTS.slug(), ProblemType.TOO_MANY_REQUESTS.title(),
                429, "Too many requests. Try again in " + retryAfterSeconds + " seconds.",
                Map.of("retry_after_seconds", retryAfterSeconds), request));
    }

    private boolean shouldPublish(String key) {
        long now = clock.millis();
        if (lastEvent.size() > MAX_REMEMBERED) {
            lastEvent.values().removeIf(at -> now - at >= EVENT_INTERVAL_MILLIS);
        }
        boolean[] publish = {false};
        lastEvent.compute(key, (k, at) -> {
            if (at == null || now - at >= EVENT_INTERVAL_MILLIS || now < at) {
                publish[0] = true;
                return now;
            }
            return at;
        });
        return publish[0];
    }
}
