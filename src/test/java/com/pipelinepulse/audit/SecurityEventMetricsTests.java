package com.pipelinepulse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.observability.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each security event is counted once in every counter its type and outcome name, and in no other. */
class SecurityEventMetricsTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SecurityEventMetrics metrics = new SecurityEventMetrics(meters);

    @Test
    void eventsAreCountedByTypeAndOutcomeEachTimeTheyHappen() {
        for (int i = 0; i < 3; i++) {
            metrics.on(SecurityEvent.success(SecurityEvent.Types.REFRESH, null, "a***@example.com", Map.of()));
        }
        metrics.on(SecurityEvent.failure(SecurityEvent.Types.REFRESH, null, "a***@example.com", Map.of()));
        metrics.on(SecurityEvent.failure(SecurityEvent.Types.LOCKOUT, null, "ip:192.0.2.1", Map.of()));
        metrics.on(SecurityEvent.failure(SecurityEvent.Types.LOCKOUT, null, "ip:192.0.2.1", Map.of()));

        assertThat(count(MetricNames.REFRESHES, "outcome", "success")).isEqualTo(3);
        assertThat(count(MetricNames.REFRESHES, "outcome", "failure")).isEqualTo(1);
        assertThat(auditEvents(SecurityEvent.Types.REFRESH, "success")).isEqualTo(3);
        assertThat(auditEvents(SecurityEvent.Types.REFRESH, "failure")).isEqualTo(1);
        assertThat(meters.get(MetricNames.LOCKOUTS).counter().count()).isEqualTo(2);
        assertThat(auditEvents(SecurityEvent.Types.LOCKOUT, "failure")).isEqualTo(2);
        assertThat(count(MetricNames.SIGN_INS, "outcome", "success")).isZero();
        assertThat(meters.get(MetricNames.LOGOUTS).counter().count()).isZero();
    }

    @Test
    void anUnknownTypeOrOutcomeIsCountedAsOther() {
        metrics.on(new SecurityEvent("made_up", "success", null, null, Map.of()));
        metrics.on(new SecurityEvent(SecurityEvent.Types.LOGOUT, "maybe", null, null, Map.of()));

        assertThat(auditEvents("other", "success")).isEqualTo(1);
        assertThat(auditEvents(SecurityEvent.Types.LOGOUT, "other")).isEqualTo(1);
        assertThat(meters.get(MetricNames.LOGOUTS).counter().count()).isEqualTo(1);
        assertThat(meters.find(MetricNames.AUDIT_EVENTS).tag("type", "made_up").counter()).isNull();
    }

    private double auditEvents(String type, String outcome) {
        return meters.get(MetricNames.AUDIT_EVENTS).tag("type", type).tag("outcome", outcome).counter().count();
    }

    private double count(String name, String tag, String value) {
        return meters.get(name).tag(tag, value).counter().count();
    }
}
