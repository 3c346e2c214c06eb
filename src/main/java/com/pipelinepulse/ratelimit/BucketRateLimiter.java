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
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * (docs/security.md, "Rate limits"; {@code RefreshBucketOverAdmissionIntegrationTests}). Takes not written yet
 * would otherwise be lost with their proxy: a proxy dropped from the kept ones, and every kept one when the
 * instance stops, writes them at once (outside the lock on the kept proxies).
 */
final class BucketRateLimiter {

    static final int KEPT_PROXIES = 10_000;

    /** The longest an instance takes refresh tokens from its own copy of a bucket without writing them. */
    static final Duration MAX_UNSYNCHRONIZED = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(BucketRateLimiter.class);

    private final ProxyManager<String> buckets;
    private final RateLimitProperties properties;
    private final int keptProxies;
    /** Least recently used first. */
    private final Map<String, Kept> proxies = new LinkedHashMap<>(256, 0.75f, true);

    /** A kept proxy; {@code delaying} when it may hold takes not written yet, {@code dropped} once no longer kept. */
    private record Kept(BucketProxy proxy, boolean delaying, AtomicBoolean dropped) {
    }

    BucketRateLimiter(ProxyManager<String> buckets, RateLimitProperties properties) {
        this(buckets, properties, KEPT_PROXIES);
    }

    BucketRateLimiter(ProxyManager<String> buckets, RateLimitProperties properties, int keptProxies) {
        this.buckets = buckets;
        this.properties = properties;
        this.keptProxies = Math.max(1, keptProxies);
    }

    private Kept proxy(String key, LimitedEndpoint endpoint, Limit limit) {
        Kept kept;
        Kept dropped = null;
        synchronized (proxies) {
            kept = proxies.computeIfAbsent(key, k -> new Kept(buckets.builder()
                    .withOptimization(optimization(endpoint, limit)).build(k, () -> configuration(limit)),
                    endpoint == LimitedEndpoint.AUTH_REFRESH, new AtomicBoolean()));
            if (proxies.size() > keptProxies) {
                Iterator<Kept> eldest = proxies.values().iterator();
                dropped = eldest.next();
                eldest.remove();
                dropped.dropped().set(true);
            }
        }
        if (dropped != null) {
            writePending(dropped);
        }
        return kept;
    }

    /**
     * Writes every take the kept proxies hold unwritten, when the instance stops: one write per kept refresh bucket
     * (the other endpoints write every take anyway). If a write fails (database unreachable) it stops there rather
     * than wait out a timeout per bucket.
     */
    @PreDestroy
    void writeUnwrittenTakes() {
        List<Kept> kept;
        synchronized (proxies) {
            kept = List.copyOf(proxies.values());
        }
        for (Kept one : kept) {
            if (!writePending(one)) {
                return;
            }
        }
    }

    /** @return false when the write failed (the takes stay unwritten, as before it was tried) */
    private static boolean writePending(Kept kept) {
        if (!kept.delaying()) {
            return true;
        }
        try {
            kept.proxy().getOptimizationController().syncImmediately();
            return true;
        } catch (RuntimeException e) {
            log.warn("Could not write the pending takes of a refresh rate-limit bucket: {}", e.toString());
            return false;
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
            Kept kept = proxy(key, endpoint, limit);
            probe = kept.proxy().tryConsumeAndReturnRemaining(1);
            if (kept.dropped().get()) {
                // Dropped while this take ran: the write on dropping may have come before it.
                writePending(kept);
            }
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
