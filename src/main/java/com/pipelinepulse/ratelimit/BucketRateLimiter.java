package com.pipelinepulse.ratelimit;

import com.pipelinepulse.ratelimit.RateLimitProperties.Limit;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
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
 *
 * <p>The refresh endpoint, the one every open tab calls, goes further (Bucket4j's delaying optimization): each
 * instance takes up to {@link #unsynchronizedTokens} tokens from its own copy of the bucket before it writes them to
 * PostgreSQL together with the next take, and it does so at least every {@link #MAX_UNSYNCHRONIZED}. One instance
 * alone stays exact (its copy is the bucket); with N instances an address can get at most
 * (N - 1) x {@code unsynchronizedTokens} more than the limit before every instance has seen the others' takes
 * (docs/security.md, "Rate limits"; {@code RefreshBucketOverAdmissionIntegrationTests}).
 */
final class BucketRateLimiter {

    static final int KEPT_PROXIES = 10_000;

    /** The longest an instance takes refresh tokens from its own copy of a bucket without writing them. */
    static final Duration MAX_UNSYNCHRONIZED = Duration.ofSeconds(1);

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

    private BucketProxy proxy(String key, LimitedEndpoint endpoint, Limit limit) {
        synchronized (proxies) {
            return proxies.computeIfAbsent(key, k -> buckets.builder().withOptimization(optimization(endpoint, limit))
                    .build(k, () -> configuration(limit)));
        }
    }

    private static Optimization optimization(LimitedEndpoint endpoint, Limit limit) {
        return endpoint == LimitedEndpoint.AUTH_REFRESH
                ? Optimizations.delaying(new DelayParameters(unsynchronizedTokens(limit), MAX_UNSYNCHRONIZED))
                : Optimizations.batching();
    }

    /**
     * How many refresh tokens an instance may take from its own copy of a bucket before writing them: a twentieth of
     * the capacity (30 of the default 600), at least 1. It is also the most one instance can give an address beyond
     * the limit while another instance's takes are not written yet.
     */
    static long unsynchronizedTokens(Limit limit) {
        return Math.max(1, limit.capacity() / 20);
    }

    /** @return 0 when the request may go on, otherwise the whole seconds until a token is back (at least 1) */
    long tryConsume(LimitedEndpoint endpoint, String callerKey) {
        Limit limit = properties.limitFor(endpoint);
        // The limit's fingerprint is part of the key: a changed limit starts fresh buckets rather than
        // fighting over the stored configuration with instances that still run the old one.
        String key = endpoint.slug() + ":" + limit.fingerprint() + ":" + callerKey;
        ConsumptionProbe probe;
        try {
            probe = proxy(key, endpoint, limit).tryConsumeAndReturnRemaining(1);
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
