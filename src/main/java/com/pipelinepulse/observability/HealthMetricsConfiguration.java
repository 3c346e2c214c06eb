package com.pipelinepulse.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health as a gauge, so that alert rules can see it. (The HTTP latency SLO buckets are a property in
 * application.yml: see docs/observability.md for why they cover every route.)
 */
@Configuration(proxyBeanMethods = false)
class HealthMetricsConfiguration {

    /** Health checks exported as {@value MetricNames#HEALTH_STATUS}{check}; evaluated at scrape time. */
    static final List<String> HEALTH_CHECKS = List.of("readiness", "db", "auth");

    @Bean
    MeterBinder healthStatusGauges(ObjectProvider<HealthEndpoint> health) {
        return registry -> HEALTH_CHECKS.forEach(check -> Gauge.builder(MetricNames.HEALTH_STATUS,
                        () -> up(health.getIfAvailable(), check))
                .tag("check", check)
                .description("1 when the health check is UP, 0 otherwise")
                .register(registry));
    }

    private static double up(HealthEndpoint endpoint, String path) {
        if (endpoint == null) {
            return Double.NaN;
        }
        HealthComponent component = endpoint.healthForPath(path);
        return component != null && Status.UP.equals(component.getStatus()) ? 1 : 0;
    }
}
