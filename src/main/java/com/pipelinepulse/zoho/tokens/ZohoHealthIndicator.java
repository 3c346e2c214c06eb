package com.pipelinepulse.zoho.tokens;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code zoho}: connections by status and the state of each data centre's circuit breaker.
 * Informational: it is deliberately not part of the readiness group (a Zoho outage must not take the API out of
 * the load balancer: sign-in fails, the rest serves). It is UP unless a circuit is open, then DOWN, which shows in
 * {@code /actuator/health} and {@code /actuator/health/zoho} only.
 */
@Component
class ZohoHealthIndicator implements HealthIndicator {

    private final ZohoTokenStore store;
    private final CircuitBreakerRegistry circuitBreakers;

    ZohoHealthIndicator(ZohoTokenStore store, CircuitBreakerRegistry circuitBreakers) {
        this.store = store;
        this.circuitBreakers = circuitBreakers;
    }

    @Override
    public Health health() {
        Map<String, String> circuits = new TreeMap<>();
        boolean open = false;
        for (CircuitBreaker circuit : circuitBreakers.getAllCircuitBreakers()) {
            if (circuit.getName().startsWith("zoho-")) {
                circuits.put(circuit.getName().substring("zoho-".length()), circuit.getState().name());
                open |= circuit.getState() == CircuitBreaker.State.OPEN
                        || circuit.getState() == CircuitBreaker.State.FORCED_OPEN;
            }
        }
        Health.Builder health = open ? Health.down() : Health.up();
        health.withDetail("circuits", circuits);
        try {
            health.withDetail("connections", store.countByStatus());
        } catch (RuntimeException e) {
            health.withDetail("connections", "unavailable (" + e.getClass().getSimpleName() + ")");
        }
        return health.build();
    }
}
