package com.pipelinepulse.health;

import com.pipelinepulse.observability.BoundedHealthCheck;
import com.pipelinepulse.observability.MetricNames;
import com.pipelinepulse.secrets.KeyRing;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code auth} health check (readiness group): UP when the JWT key ring can be read from
 * {@link Secrets} and has an active key of at least 256 bits, and this service may append to the audit
 * table. Details name the active key id and count keys, never show key material. The active key's age is
 * reported as unknown: the key ring format ({@code kid:key,...}) carries no creation time.
 */
@Component
class AuthHealthIndicator implements HealthIndicator {

    static final int MINIMUM_KEY_BITS = 256;

    /** The audit-table lookup needs a pooled connection: bounded, so readiness answers while PostgreSQL is away. */
    static final Duration AUDIT_CHECK_BOUND = Duration.ofSeconds(1);

    private final Secrets secrets;
    private final MeterRegistry meters;
    private final BoundedHealthCheck<String> auditCheck;

    AuthHealthIndicator(Secrets secrets, JdbcClient jdbc, MeterRegistry meters) {
        this.secrets = secrets;
        this.meters = meters;
        this.auditCheck = new BoundedHealthCheck<>("auth-health", AUDIT_CHECK_BOUND, () -> auditTrail(jdbc));
    }

    @PreDestroy
    void close() {
        auditCheck.close();
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = checkKeyRing(details) & checkAuditTrail(details);
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    private boolean checkKeyRing(Map<String, Object> details) {
        KeyRing ring;
        try {
            ring = secrets.keyRing(SecretName.JWT_KEYS);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Our own messages name the secret or the entry position, never a value.
            details.put("jwt_key_ring", "unavailable: " + e.getMessage());
            return false;
        } catch (RuntimeException e) {
            details.put("jwt_key_ring", "unavailable: " + e.getClass().getSimpleName());
            return false;
        }
        details.put("jwt_active_kid", ring.activeKid());
        details.put("jwt_keys", ring.kids().size());
        details.put("jwt_active_key_age", "unknown (the key ring carries no creation time)");
        if (ring.shortestKeyBits() < MINIMUM_KEY_BITS) {
            details.put("jwt_key_ring", "a key is shorter than " + MINIMUM_KEY_BITS + " bits");
            return false;
        }
        details.put("jwt_key_ring", "loaded");
        return true;
    }

    private boolean checkAuditTrail(Map<String, Object> details) {
        Counter failures = meters.find(MetricNames.AUDIT_WRITE_FAILURES).counter();
        details.put("audit_write_failures", failures == null ? 0 : (long) failures.count());
        String state = auditCheck.run(() -> "unreachable");
        details.put("audit_trail", state);
        return WRITABLE.equals(state);
    }

    private static final String WRITABLE = "writable";

    private static String auditTrail(JdbcClient jdbc) {
        try {
            boolean writable = Boolean.TRUE.equals(jdbc
                    .sql("select has_table_privilege('security_audit_event', 'INSERT')").query(Boolean.class).single());
            return writable ? WRITABLE : "insert not permitted";
        } catch (DataAccessException e) {
            return "unreachable";
        }
    }
}
