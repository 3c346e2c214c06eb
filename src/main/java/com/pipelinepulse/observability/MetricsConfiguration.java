package com.pipelinepulse.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Service-wide metric settings: latency SLO buckets for the auth routes, health as a gauge. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    static final String HTTP_SERVER_REQUESTS = "http.server.requests";

    /** The latency objectives (alert rules use the 500 ms bucket as the p99 bound). */
    static final List<Duration> AUTH_LATENCY_SLOS = List.of(Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500));

    static final List<String> SLO_URI_PREFIXES = List.of("/api/auth/", "/api/zoho/");

    /** Health checks exported as {@value MetricNames#HEALTH_STATUS}{check}; evaluated at scrape time. */
    static final List<String> HEALTH_CHECKS = List.of("readiness", "db", "auth");

    /**
     * Histogram buckets at 50, 100, 250 and 500 ms for {@code http.server.requests} of {@code /api/auth/**}
     * and {@code /api/zoho/**} only: a bucket set per URI of every route would multiply series for nothing.
     */
    @Bean
    MeterFilter authLatencySloBuckets() {
        double[] slos = AUTH_LATENCY_SLOS.stream().mapToDouble(d -> d.toNanos()).toArray();
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!HTTP_SERVER_REQUESTS.equals(id.getName())) {
                    return config;
                }
                String uri = id.getTag("uri");
                if (uri == null || SLO_URI_PREFIXES.stream().noneMatch(uri::startsWith)) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(slos).build().merge(config);
            }
        };
    }

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
