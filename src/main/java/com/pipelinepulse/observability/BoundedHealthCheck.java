package com.pipelinepulse.observability;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a health check that may block (a pooled database connection waits up to Hikari's
 * {@code connection-timeout} while PostgreSQL is away) on a thread of its own, so that a probe never waits for it:
 * a readiness probe must answer promptly, DOWN if need be, not time out (and several bounded checks in one probe
 * must not add up). A probe gets the last finished result and starts the next check when that result is older than
 * a second; a check that has been running longer than the bound counts as failed. Only the very first probe, before
 * any result exists, waits (at most the bound). Slow checks never pile up: at most one runs at a time.
 *
 * @param <T> what the check returns
 */
public final class BoundedHealthCheck<T> implements AutoCloseable {

    private static final long FRESH_NANOS = 1_000_000_000L;

    private final Duration bound;
    private final Supplier<T> check;
    private final ExecutorService thread;
    private Future<T> running;
    private long runningSince;
    private T last;
    private long lastAt;

    public BoundedHealthCheck(String threadName, Duration bound, Supplier<T> check) {
        this.bound = bound;
        this.check = check;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            // Created by the first probe, on a web server's request thread: without this it would hold on to that
            // server's class loader (Tomcat reports such a thread as a leak when the server stops).
            t.setContextClassLoader(BoundedHealthCheck.class.getClassLoader());
            return t;
        });
    }

    /**
     * The latest result, or {@code whenLate} when the check in progress has run longer than the bound, threw, or
     * (first probe only) did not finish within it.
     */
    public T run(Supplier<T> whenLate) {
        Future<T> current;
        synchronized (this) {
            long now = System.nanoTime();
            if (running != null && running.isDone()) {
                last = outcome(running, whenLate);
                lastAt = now;
                running = null;
            }
            if (running == null && (last == null || now - lastAt > FRESH_NANOS)) {
                if (thread.isShutdown()) {
                    return whenLate.get();
                }
                running = thread.submit(check::get);
                runningSince = now;
            }
            if (running != null && now - runningSince > bound.toNanos()) {
                return whenLate.get();
            }
            if (last != null) {
                return last;
            }
            current = running;
        }
        try {
            return current.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return whenLate.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return whenLate.get();
        }
    }

    private static <T> T outcome(Future<T> done, Supplier<T> whenFailed) {
        try {
            return done.get();
        } catch (ExecutionException | CancellationException e) {
            return whenFailed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return whenFailed.get();
        }
    }

    /** Stops the check's thread: interrupts a check in progress and waits, at most the bound, for the thread to end. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
