package com.pipelinepulse.ratelimit;

import com.pipelinepulse.ratelimit.RateLimitProperties.Limit;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Takes one token from the shared (PostgreSQL) bucket of an endpoint and a caller.
 *
 * <p>Every bucket is one row, locked while a request takes its token: the requests of one busy address (an office
 * behind one NAT address) queue on that row lock. With Bucket4j's batching, requests for the same bucket that
 * arrive while one is in flight on this instance go to PostgreSQL together, as one transaction applying them in
 * order: the limit stays exact, the queue on the row is one per instance. Batching works per proxy object, so the
 * proxies of recently used buckets are kept (at most {@link #KEPT_PROXIES}).
 */
final class BucketRateLimiter {

    static final int KEPT_PROXIES = 10_000;

    private final ProxyManager<String> buckets;
    private final RateLimitProperties properties;
    private final Map<String, BucketProxy> proxies = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BucketProxy> eldest) {
            return size() > KEPT_PROXIES;
        }
    };

    BucketRateLimiter(ProxyManager<String> buckets, RateLimitProperties properties) {
        this.buckets = buckets;
        this.properties = properties;
    }

    private BucketProxy proxy(String key, Limit limit) {
        synchronized (proxies) {
            return proxies.computeIfAbsent(key, k -> buckets.builder().withOptimization(Optimizations.batching())
                    .build(k, () -> configuration(limit)));
        }
    }

    /** @return 0 when the request may go on, otherwise the whole seconds until a token is back (at least 1) */
    long tryConsume(LimitedEndpoint endpoint, String callerKey) {
        Limit limit = properties.limitFor(endpoint);
        // The limit's fingerprint is part of the key: a changed limit starts fresh buckets rather than
        // fighting over the stored configuration with instances that still run the old one.
        String key = endpoint.slug() + ":" + limit.fingerprint() + ":" + callerKey;
        ConsumptionProbe probe;
        try {
            probe = proxy(key, limit).tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            if (!bucketNotFound(e)) {
                throw e;
            }
            // A batch that reaches a bucket nobody has created yet fails whole, having taken nothing (Bucket4j
            // 8.14 does not create buckets inside a batch). The unbatched proxy creates it and takes the token.
            probe = buckets.getProxy(key, () -> configuration(limit)).tryConsumeAndReturnRemaining(1);
        }
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    private static boolean bucketNotFound(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    private static BucketConfiguration configuration(Limit limit) {
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit.capacity()).refillGreedy(limit.refillTokens(), limit.refillPeriod()))
                .build();
    }
}
