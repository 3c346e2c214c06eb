package com.pipelinepulse.ratelimit;

import com.github.benmanes.caffeine.cache.Ticker;
import com.pipelinepulse.observability.ClientAddress;
import com.pipelinepulse.web.ProblemResponseWriter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RateLimitProperties.class)
@EnableScheduling
class RateLimitConfiguration {

    /** Runs right after the client address is resolved, before Spring Security. */
    static final int CLIENT_FILTER_ORDER = ClientAddress.RESOLVER_FILTER_ORDER + 10;

    private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

    @Bean
    ProxyManager<String> rateLimitBuckets(DataSource dataSource) {
        return Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_bucket")
                // A bucket row may go once the bucket would be full again anyway: it carries no information.
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .requestTimeout(Duration.ofSeconds(2))
                .build();
    }

    @Bean
    BucketRateLimiter bucketRateLimiter(ProxyManager<String> rateLimitBuckets, RateLimitProperties properties) {
        return new BucketRateLimiter(rateLimitBuckets, properties);
    }

    @Bean
    FailureThrottle failureThrottle(JdbcClient jdbc, TransactionTemplate transactions, RateLimitProperties properties,
            ObjectProvider<Clock> clock, ObjectProvider<Ticker> ticker) {
        return new FailureThrottle(jdbc, transactions, properties.failures(), clock.getIfAvailable(Clock::systemUTC),
                ticker.getIfAvailable(Ticker::systemTicker));
    }

    @Bean
    RateLimitRejections rateLimitRejections(ProblemResponseWriter writer, ApplicationEventPublisher events,
            MeterRegistry meters, ObjectProvider<Clock> clock) {
        return new RateLimitRejections(writer, events, meters, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    FailureThrottleListener failureThrottleListener(FailureThrottle throttle, ApplicationEventPublisher events) {
        return new FailureThrottleListener(throttle, events);
    }

    @Bean
    FilterRegistrationBean<ClientRateLimitFilter> clientRateLimitFilter(BucketRateLimiter limiter,
            FailureThrottle throttle, RateLimitRejections rejections, RateLimitProperties properties) {
        var registration = new FilterRegistrationBean<>(new ClientRateLimitFilter(limiter, throttle, rejections));
        registration.setOrder(CLIENT_FILTER_ORDER);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.addUrlPatterns("/api/*");
        registration.setEnabled(properties.enabled());
        return registration;
    }

    @Bean
    PerUserRateLimits perUserRateLimits(BucketRateLimiter limiter, RateLimitRejections rejections,
            RateLimitProperties properties) {
        UserRateLimitFilter filter = new UserRateLimitFilter(limiter, rejections, properties.enabled());
        return new PerUserRateLimits(filter);
    }

    @Bean
    RateLimitHousekeeping rateLimitHousekeeping(ProxyManager<String> rateLimitBuckets, FailureThrottle throttle) {
        return new RateLimitHousekeeping(rateLimitBuckets, throttle);
    }

    /** Deletes bucket and throttle rows that carry no information any more, so the tables stay small. */
    static final class RateLimitHousekeeping {

        private final ProxyManager<String> buckets;
        private final FailureThrottle throttle;

        RateLimitHousekeeping(ProxyManager<String> buckets, FailureThrottle throttle) {
            this.buckets = buckets;
            this.throttle = throttle;
        }

        @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT5M")
        void removeExpired() {
            try {
                int removed = 0;
                if (buckets instanceof io.github.bucket4j.distributed.proxy.ExpiredEntriesCleaner cleaner) {
                    // Bounded batches (skip-locked inside the library), so several instances can run this at once.
                    for (int batch = 0; batch < 100; batch++) {
                        int n = cleaner.removeExpired(1000);
                        removed += n;
                        if (n < 1000) {
                            break;
                        }
                    }
                }
                int forgotten = throttle.removeForgotten();
                log.debug("Rate-limit housekeeping removed {} buckets and {} throttle rows", removed, forgotten);
            } catch (RuntimeException e) {
                log.warn("Rate-limit housekeeping failed; it will run again", e);
            }
        }
    }
}
