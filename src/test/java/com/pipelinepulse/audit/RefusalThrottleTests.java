package com.pipelinepulse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.observability.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalThrottleTests {

    final AtomicLong nanos = new AtomicLong();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RefusalThrottle throttle = new RefusalThrottle(meters, nanos::get);

    @Test
    void oneRowPerAddressTypeAndReasonAMinuteAndEveryRefusalCounted() {
        SecurityEvent noCookie = refusal(SecurityEvent.Types.REFRESH, "missing_token");

        assertThat(throttle.countAndDecide(noCookie, "203.0.113.1")).isTrue();
        assertThat(throttle.countAndDecide(noCookie, "203.0.113.1")).isFalse();
        assertThat(throttle.countAndDecide(noCookie, "203.0.113.2")).as("another address").isTrue();
        assertThat(throttle.countAndDecide(refusal(SecurityEvent.Types.REFRESH, "unknown_token"), "203.0.113.1"))
                .as("another reason").isTrue();
        assertThat(throttle.countAndDecide(refusal(SecurityEvent.Types.LOGOUT, "missing_token"), "203.0.113.1"))
                .as("another type").isTrue();

        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(throttle.countAndDecide(noCookie, "203.0.113.1")).isFalse();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(throttle.countAndDecide(noCookie, "203.0.113.1")).as("a minute after the row").isTrue();

        assertThat(meters.get(MetricNames.ANONYMOUS_REFUSALS).tag("type", "refresh").tag("reason", "missing_token")
                .counter().count()).isEqualTo(5);
        assertThat(meters.get(MetricNames.AUDIT_ROWS_THROTTLED).tag("type", "refresh").counter().count()).isEqualTo(2);
    }

    @Test
    void refusedAccessGetsOneRowPerUserAddressAndReasonAMinute() {
        UUID viewer = UUID.randomUUID();
        SecurityEvent adminPage = accessRefused(viewer, "forbidden", "/api/admin/users");

        assertThat(throttle.countAndDecide(adminPage, "203.0.113.1")).isTrue();
        assertThat(throttle.countAndDecide(accessRefused(viewer, "forbidden", "/api/admin/audit"), "203.0.113.1"))
                .as("another path, same reason").isFalse();
        assertThat(throttle.countAndDecide(accessRefused(viewer, "region_forbidden", "/api/pipeline/deals"),
                "203.0.113.1")).as("another reason").isTrue();
        assertThat(throttle.countAndDecide(accessRefused(UUID.randomUUID(), "forbidden", "/api/admin/users"),
                "203.0.113.1")).as("another user behind the same address").isTrue();
        assertThat(throttle.countAndDecide(adminPage, "203.0.113.2")).as("another address").isTrue();

        nanos.addAndGet(RefusalThrottle.WINDOW.toNanos());
        assertThat(throttle.countAndDecide(adminPage, "203.0.113.1")).as("a minute after the row").isTrue();

        assertThat(meters.get(MetricNames.AUDIT_ROWS_THROTTLED).tag("type", "access_refused").counter().count())
                .isOne();
        assertThat(meters.find(MetricNames.ANONYMOUS_REFUSALS).tag("type", "access_refused").counter())
                .as("a refused access is not anonymous").isNull();
    }

    @Test
    void outsideARequestEveryRefusalIsWritten() {
        SecurityEvent noCookie = refusal(SecurityEvent.Types.REFRESH, "missing_token");
        assertThat(throttle.countAndDecide(noCookie, null)).isTrue();
        assertThat(throttle.countAndDecide(noCookie, null)).isTrue();
    }

    @Test
    void onlyAnonymousRefusedRefreshesAndLogoutsAndRefusedAccessAreThrottled() {
        assertThat(RefusalThrottle.applies(refusal(SecurityEvent.Types.REFRESH, "missing_token"))).isTrue();
        assertThat(RefusalThrottle.applies(refusal(SecurityEvent.Types.LOGOUT, "origin_not_allowed"))).isTrue();
        assertThat(RefusalThrottle.applies(SecurityEvent.failure(SecurityEvent.Types.REFRESH, UUID.randomUUID(),
                null, Map.of("reason", "session_expired")))).as("a known user").isFalse();
        assertThat(RefusalThrottle.applies(SecurityEvent.success(SecurityEvent.Types.REFRESH, null, null,
                Map.of()))).as("a success").isFalse();
        assertThat(RefusalThrottle.applies(accessRefused(UUID.randomUUID(), "forbidden", "/api/admin/users")))
                .as("a refused access, user known").isTrue();
        assertThat(RefusalThrottle.applies(refusal(SecurityEvent.Types.SIGN_IN, "state_mismatch")))
                .as("sign-in failures keep every row").isFalse();
    }

    @Test
    void unknownReasonsShareOneTagValue() {
        throttle.countAndDecide(refusal(SecurityEvent.Types.REFRESH, "x".repeat(40)), "203.0.113.9");
        assertThat(meters.get(MetricNames.ANONYMOUS_REFUSALS).tag("reason", "other").counter().count()).isOne();
    }

    private static SecurityEvent accessRefused(UUID user, String reason, String path) {
        return SecurityEvent.failure(SecurityEvent.Types.ACCESS_REFUSED, user, null,
                Map.of("reason", reason, "method", "GET", "path", path));
    }

    private static SecurityEvent refusal(String type, String reason) {
        return SecurityEvent.failure(type, null, null, Map.of("reason", reason));
    }
}
