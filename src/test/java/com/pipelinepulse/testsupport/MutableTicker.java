package com.pipelinepulse.testsupport;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application's monotonic ticker (how long per-instance caches keep an entry) in the shared test context: the
 * system ticker until a test stops it with {@link #stop()}; a test that stops it restarts it when done
 * ({@link #restart()}).
 */
public final class MutableTicker implements Ticker {

    private final AtomicReference<Long> stoppedAt = new AtomicReference<>();

    public void stop() {
        stoppedAt.set(System.nanoTime());
    }

    public void restart() {
        stoppedAt.set(null);
    }

    @Override
    public long read() {
        Long at = stoppedAt.get();
        return at != null ? at : System.nanoTime();
    }
}
