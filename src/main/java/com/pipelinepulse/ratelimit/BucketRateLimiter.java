package com.pipelinepulse.ratelimit;

import com.pipelinepulse.ratelimit.RateLimitProperties.Limit;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;

/** Takes one token from the shared (PostgreSQL) bucket of an endpoint and a caller. */
final class BucketRateLimiter {

    private final ProxyManager<String> buckets;
    private final RateLimitProperties properties;

    BucketRateLimiter(ProxyManager<String> buckets, RateLimitProperties properties) {
        this.buckets = buckets;
        this.properties = properties;
    }

    /** @return 0 when the request may go on, otherwise the whole seconds until a token is back (at least 1) */
    long tryConsume(LimitedEndpoint endpoint, String callerKey) {
        Limit limit = properties.limitFor(endpoint);
        // The limit's fingerprint is part of the key: a changed limit starts fresh buckets rather than
        // fighting over the stored configuration with instances that still run the old one.
        String key = endpoint.slug() + ":" + limit.fingerprint() + ":" + callerKey;
        ConsumptionProbe probe = buckets.getProxy(key, () -> configuration(limit)).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    private static BucketConfiguration configuration(Limit limit) {
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit.capacity()).refillGreedy(limit.refillTokens(), limit.refillPeriod()))
                .build();
    }
}
