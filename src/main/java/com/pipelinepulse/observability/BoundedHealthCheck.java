package com.pipelinepulse.observability;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a health check that may block (a pooled database connection waits up to Hikari's
 * {@code connection-timeout} while PostgreSQL is away) on a thread of its own and gives up waiting for it after
 * a bound: a readiness probe must answer DOWN promptly, not time out. A probe that arrives while a check is still
 * running waits for that one instead of starting another, so slow checks never pile up.
 *
 * @param <T> what the check returns
 */
public final class BoundedHealthCheck<T> implements AutoCloseable {

    private final Duration bound;
    private final Supplier<T> check;
    private final ExecutorService thread;
    private Future<T> running;

    public BoundedHealthCheck(String threadName, Duration bound, Supplier<T> check) {
        this.bound = bound;
        this.check = check;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** The check's result, or {@code whenLate} when it did not finish within the bound or threw. */
    public T run(Supplier<T> whenLate) {
        Future<T> current;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = thread.submit(check::get);
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

    public Duration bound() {
        return bound;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
