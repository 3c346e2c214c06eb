package com.pipelinepulse.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.pipelinepulse.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Keeps refusals that a caller can repeat in a loop from flooding the audit trail: a refresh or logout refused
 * before any user was known (no, a malformed or an unknown cookie; the CSRF check), and every
 * {@code access_refused} (a signed-in caller answered 403). Only the first per client address, user, type and reason
 * in a minute becomes an audit row, the others are counted as {@value MetricNames#AUDIT_ROWS_THROTTLED}; every event
 * is counted anyway in {@value MetricNames#AUDIT_EVENTS}, and anonymous refusals also in
 * {@value MetricNames#ANONYMOUS_REFUSALS} (tags {@code type} and {@code reason}). Without this, 100 cookie-less POSTs
 * were 100 rows kept for at least 30 days.
 *
 * <p>Per instance: the memory of what was written is a bounded Caffeine cache (entries expire a minute after they
 * were written), so with N instances an address gets at most N rows per user, type and reason a minute. When more
 * than {@value #MAX_REMEMBERED} keys are live the oldest are forgotten, which can only mean an extra row, never a
 * lost count.
 */
final class RefusalThrottle {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_REMEMBERED = 10_000;

    private static final Set<String> ANONYMOUS_TYPES = Set.of(SecurityEvent.Types.REFRESH, SecurityEvent.Types.LOGOUT);
    /** The reasons an anonymous refusal can have today; anything else is tagged {@code other} (bounded tags). */
    static final List<String> REASONS = List.of("missing_token", "malformed_token", "unknown_token",
            "missing_csrf_header", "origin_not_allowed");

    private final MeterRegistry meters;
    private final Cache<String, Boolean> written;

    RefusalThrottle(MeterRegistry meters, Ticker ticker) {
        this.meters = meters;
        this.written = Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(MAX_REMEMBERED).ticker(ticker)
                .build();
        for (String type : ANONYMOUS_TYPES) {
            REASONS.forEach(reason -> anonymousRefusals(type, reason));
            throttled(type);
        }
        throttled(SecurityEvent.Types.ACCESS_REFUSED);
    }

    /** A refusal of a refresh or logout that names no user, or any refused access. */
    static boolean applies(SecurityEvent event) {
        return event.failed() && (SecurityEvent.Types.ACCESS_REFUSED.equals(event.type())
                || event.userId() == null && ANONYMOUS_TYPES.contains(event.type()));
    }

    /**
     * Counts the refusal and says whether it should become an audit row: true for the first one per address, user,
     * type and reason in a minute. An event without a client address (outside a request) is always written.
     */
    boolean countAndDecide(SecurityEvent event, String clientAddress) {
        String reason = String.valueOf(event.details().get("reason"));
        if (ANONYMOUS_TYPES.contains(event.type())) {
            anonymousRefusals(event.type(), REASONS.contains(reason) ? reason : "other").increment();
        }
        if (clientAddress == null) {
            return true;
        }
        String key = event.type() + '|' + reason + '|' + clientAddress + '|' + event.userId();
        boolean first = written.asMap().putIfAbsent(key, Boolean.TRUE) == null;
        if (!first) {
            throttled(event.type()).increment();
        }
        return first;
    }

    private Counter anonymousRefusals(String type, String reason) {
        return Counter.builder(MetricNames.ANONYMOUS_REFUSALS)
                .description("Refreshes and logouts refused before any user was known, each one")
                .tag("type", type).tag("reason", reason).register(meters);
    }

    private Counter throttled(String type) {
        return Counter.builder(MetricNames.AUDIT_ROWS_THROTTLED)
                .description("Refusals not written to the audit trail (one row per address, user and reason a minute)")
                .tag("type", type).register(meters);
    }
}
