package com.pipelinepulse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.StatementCounter;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The refresh endpoint's per-address bucket is taken from each instance's own copy and written to PostgreSQL in
 * groups (BucketRateLimiter): one instance alone stays exact, and N instances give an address at most
 * (N - 1) x unsynchronizedTokens more than the limit. Each {@link BucketRateLimiter} here keeps its own bucket
 * copies over the one shared table, as an instance does.
 */
@RateLimitTestContext
class RefreshBucketOverAdmissionIntegrationTests {

    @Autowired
    ProxyManager<String> buckets;

    @Autowired
    RateLimitProperties properties;

    @Test
    void oneInstanceAloneGivesExactlyTheLimit() {
        BucketRateLimiter instance = new BucketRateLimiter(buckets, properties);
        String caller = "over-admission-" + UUID.randomUUID();
        int capacity = properties.authRefresh().capacity();

        StatementCounter.start();
        int first;
        try {
            first = admitted(List.of(instance), caller, capacity);
        } finally {
            StatementCounter.Counts counts = StatementCounter.stop();
            // Unoptimised, every take is a select for update and an update: 2 x capacity statements. Here one
            // statement pair writes up to unsynchronizedTokens + 1 takes (plus five statements creating the bucket).
            long perWrite = BucketRateLimiter.unsynchronizedTokens(properties.authRefresh()) + 1;
            assertThat(counts.statements()).as("statements for %d takes", capacity)
                    .hasSizeLessThanOrEqualTo((int) (2 * (capacity / perWrite) + 6));
        }
        assertThat(first).isEqualTo(capacity);
        assertThat(admitted(List.of(instance), caller, capacity)).isZero();
    }

    @Test
    void threeInstancesGiveAtMostTwoInstancesUnsynchronizedTokensMoreAndThenRefuseEverywhere() {
        List<BucketRateLimiter> instances = List.of(new BucketRateLimiter(buckets, properties),
                new BucketRateLimiter(buckets, properties), new BucketRateLimiter(buckets, properties));
        String caller = "over-admission-" + UUID.randomUUID();
        int capacity = properties.authRefresh().capacity();
        long unsynchronized = BucketRateLimiter.unsynchronizedTokens(properties.authRefresh());
        assertThat(unsynchronized).as("the test limit allows some unsynchronized takes").isGreaterThan(1);

        int admitted = admitted(instances, caller, capacity * 3);

        assertThat(admitted).isBetween(capacity, capacity + (int) ((instances.size() - 1) * unsynchronized));
        // Once every instance has written its takes the bucket is empty for all of them.
        for (int i = 0; i < (unsynchronized + 1) * 2; i++) {
            for (BucketRateLimiter instance : instances) {
                instance.tryConsume(LimitedEndpoint.AUTH_REFRESH, caller);
            }
        }
        assertThat(admitted(instances, caller, instances.size() * 3)).isZero();
    }

    /** A proxy dropped from the kept ones (here one is kept) writes the takes it held before it goes. */
    @Test
    void aRefreshBucketNoLongerKeptWritesItsUnwrittenTakes() {
        BucketRateLimiter instance = new BucketRateLimiter(buckets, properties, 1);
        String caller = "over-admission-" + UUID.randomUUID();
        int taken = takeUnwritten(instance, caller);

        // Another address's bucket takes the only place: the first one is dropped.
        assertThat(instance.tryConsume(LimitedEndpoint.AUTH_REFRESH, caller + "-other")).isZero();

        int capacity = properties.authRefresh().capacity();
        assertThat(admitted(List.of(new BucketRateLimiter(buckets, properties)), caller, capacity))
                .as("what another instance still admits").isEqualTo(capacity - taken);
    }

    @Test
    void aStoppingInstanceWritesItsUnwrittenTakes() {
        BucketRateLimiter instance = new BucketRateLimiter(buckets, properties);
        String caller = "over-admission-" + UUID.randomUUID();
        int taken = takeUnwritten(instance, caller);

        instance.writeUnwrittenTakes();

        int capacity = properties.authRefresh().capacity();
        assertThat(admitted(List.of(new BucketRateLimiter(buckets, properties)), caller, capacity))
                .as("what another instance still admits").isEqualTo(capacity - taken);
    }

    /** Takes as many tokens as one write may carry: the first is written, the others are held by the instance. */
    private int takeUnwritten(BucketRateLimiter instance, String caller) {
        int taken = (int) BucketRateLimiter.unsynchronizedTokens(properties.authRefresh());
        assertThat(taken).as("the test limit allows some unsynchronized takes").isGreaterThan(1);
        assertThat(admitted(List.of(instance), caller, taken)).isEqualTo(taken);
        return taken;
    }

    /** Takes round-robin over the instances, {@code attempts} times in all; how many were let through. */
    private static int admitted(List<BucketRateLimiter> instances, String caller, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (instances.get(i % instances.size()).tryConsume(LimitedEndpoint.AUTH_REFRESH, caller) == 0) {
                admitted++;
            }
        }
        return admitted;
    }
}
