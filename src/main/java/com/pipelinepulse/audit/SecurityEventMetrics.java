package com.pipelinepulse.audit;

import com.pipelinepulse.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Counts {@link SecurityEvent}s as Prometheus metrics (names in {@link MetricNames}). Counters are registered
 * at start with zero, so that alert rules see 0 rather than "no data" before the first event. Tag values are
 * bounded: an unknown type or outcome is counted as {@code other}.
 */
@Component
class SecurityEventMetrics {

    /** Every constant of {@link SecurityEvent.Types}. */
    static final List<String> KNOWN_TYPES = Arrays.stream(SecurityEvent.Types.class.getDeclaredFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
            .map(SecurityEventMetrics::constant).toList();

    private static final List<String> OUTCOMES = List.of("success", "failure");

    /** Event types with a dedicated counter of their own, tagged by outcome or not. */
    private static final Map<String, String> BY_OUTCOME = Map.of(
            SecurityEvent.Types.SIGN_IN, MetricNames.SIGN_INS,
            SecurityEvent.Types.REFRESH, MetricNames.REFRESHES);
    private static final Map<String, String> PLAIN = Map.of(
            SecurityEvent.Types.REFRESH_REUSE, MetricNames.REFRESH_REUSE,
            SecurityEvent.Types.LOGOUT, MetricNames.LOGOUTS,
            SecurityEvent.Types.SESSION_REVOKED, MetricNames.SESSIONS_REVOKED,
            SecurityEvent.Types.LOCKOUT, MetricNames.LOCKOUTS,
            SecurityEvent.Types.ZOHO_REAUTH_REQUIRED, MetricNames.ZOHO_REAUTH_REQUIRED,
            SecurityEvent.Types.SECRETS_FALLBACK, MetricNames.SECRETS_FALLBACKS);

    private final MeterRegistry meters;
    /**
     * The counters one event increments, found once per type and outcome: a refresh publishes an event, and looking
     * its meters up in the registry each time cost about 1 % of a refresh's CPU (docs/benchmarks.md).
     */
    private final Map<String, List<Counter>> countersByTypeAndOutcome = new ConcurrentHashMap<>();

    SecurityEventMetrics(MeterRegistry meters) {
        this.meters = meters;
        BY_OUTCOME.values().forEach(name -> OUTCOMES.forEach(outcome -> byOutcome(name, outcome)));
        PLAIN.values().forEach(this::plain);
        KNOWN_TYPES.forEach(type -> OUTCOMES.forEach(outcome -> auditEvents(type, outcome)));
    }

    @EventListener
    void on(SecurityEvent event) {
        String type = KNOWN_TYPES.contains(event.type()) ? event.type() : "other";
        String outcome = OUTCOMES.contains(event.outcome()) ? event.outcome() : "other";
        // Type and outcome are bounded (unknown ones are "other"), so this map is too.
        countersByTypeAndOutcome.computeIfAbsent(type + ' ' + outcome, key -> counters(type, outcome))
                .forEach(Counter::increment);
    }

    private List<Counter> counters(String type, String outcome) {
        List<Counter> counters = new ArrayList<>();
        counters.add(auditEvents(type, outcome));
        String byOutcome = BY_OUTCOME.get(type);
        if (byOutcome != null) {
            counters.add(byOutcome(byOutcome, outcome));
        }
        String plain = PLAIN.get(type);
        if (plain != null) {
            counters.add(plain(plain));
        }
        return List.copyOf(counters);
    }

    private Counter byOutcome(String name, String outcome) {
        return Counter.builder(name).tag("outcome", outcome).register(meters);
    }

    private Counter plain(String name) {
        return Counter.builder(name).register(meters);
    }

    private Counter auditEvents(String type, String outcome) {
        return Counter.builder(MetricNames.AUDIT_EVENTS).tag("type", type).tag("outcome", outcome).register(meters);
    }

    private static String constant(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
