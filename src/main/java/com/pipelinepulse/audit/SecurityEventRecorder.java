package com.pipelinepulse.audit;

import com.github.benmanes.caffeine.cache.Ticker;
import com.pipelinepulse.observability.ClientAddress;
import com.pipelinepulse.observability.LogMasking;
import com.pipelinepulse.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Writes one audit row per {@link SecurityEvent}, synchronously and in a transaction of its own, adding the
 * time and, inside a request, the client IP, user agent and request id. Refreshes and logouts refused before any
 * user was known and refused accesses (403) are the exception: at most one row per client address, user, type and
 * reason a minute, all of them counted ({@link RefusalThrottle}). The subject and every string in the
 * details go through {@link LogMasking} first, and detail keys with sensitive names are masked whole.
 *
 * <p>A failed write does not fail the operation that published the event (a sign-in must not break because
 * the trail is unavailable); it is logged, counted ({@value MetricNames#AUDIT_WRITE_FAILURES}) and shows in
 * the {@code auth} health indicator.
 */
@Component
class SecurityEventRecorder {

    private static final Logger log = LoggerFactory.getLogger(SecurityEventRecorder.class);

    static final int SUBJECT_MAX = 320;

    private final SecurityAuditTrail trail;
    private final Counter writeFailures;
    private final RefusalThrottle refusals;

    SecurityEventRecorder(SecurityAuditTrail trail, MeterRegistry meters) {
        this.trail = trail;
        this.refusals = new RefusalThrottle(meters, Ticker.systemTicker());
        this.writeFailures = Counter.builder(MetricNames.AUDIT_WRITE_FAILURES)
                .description("Security events that could not be stored in the audit trail").register(meters);
    }

    @EventListener
    void on(SecurityEvent event) {
        if (event.stored()) {
            return;
        }
        HttpServletRequest request = AuditRequest.currentRequest();
        if (RefusalThrottle.applies(event)
                && !refusals.countAndDecide(event, request == null ? null : ClientAddress.of(request))) {
            return;
        }
        AuditRequest facts = AuditRequest.current();
        AuditRecord record = new AuditRecord(null, Instant.now().truncatedTo(ChronoUnit.MICROS), event.type(),
                event.outcome(), event.userId(), AuditRequest.truncate(LogMasking.mask(event.subject()), SUBJECT_MAX),
                facts.clientIp(), facts.userAgent(), facts.requestId(), maskDetails(event.details()));
        try {
            trail.append(record);
        } catch (DataAccessException | IllegalArgumentException e) {
            writeFailures.increment();
            log.error("Could not store security event {} ({}) in the audit trail", event.type(), event.outcome(), e);
        }
    }

    static Map<String, Object> maskDetails(Map<String, ?> details) {
        Map<String, Object> masked = new LinkedHashMap<>();
        details.forEach((key, value) -> masked.put(key,
                LogMasking.isSensitiveFieldName(key) ? LogMasking.MASK : maskValue(value)));
        return masked;
    }

    @SuppressWarnings("unchecked")
    private static Object maskValue(Object value) {
        if (value instanceof CharSequence text) {
            return LogMasking.mask(text.toString());
        }
        if (value instanceof Map<?, ?> map) {
            return maskDetails((Map<String, ?>) map);
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(SecurityEventRecorder::maskValue).toList();
        }
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        // Enums, UUIDs, instants...: their text form, masked like any other text.
        return LogMasking.mask(value.toString());
    }
}
