package com.pipelinepulse.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.stereotype.Component;

/**
 * Group commit for refreshes that may simply be rotated: refreshes that arrive while others are being written go to
 * PostgreSQL together, in one statement and one commit
 * ({@link SessionStore#refreshInOneStatement(List, java.time.Duration, java.time.Duration)}, V54), instead of one
 * commit each. docs/authentication.md ("Several refreshes per commit under
 * load") and docs/benchmarks.md ("Several refreshes per commit") give the why and the numbers.
 *
 * <p>No thread of its own and no timer: each refresh queues itself; at most {@code concurrency} of the waiting request
 * threads at a time take the queue's head (up to {@code maxSize} refreshes) and write it, the others park until their
 * refresh is written. A refresh that finds a free slot and nobody ahead of it is written at once, alone, through
 * {@code refresh_session} exactly as without batches: batching costs no latency when there is nothing to batch.
 *
 * <p>If a batch fails for any reason but an unreachable database, nothing of it was written (one transaction) and
 * every refresh in it is run again alone, on its own request thread, so that only the refresh at fault fails.
 */
@Component
class RefreshBatches {

    private static final Logger log = LoggerFactory.getLogger(RefreshBatches.class);

    private final SessionStore store;
    private final SessionProperties properties;
    private final int maxSize;
    private final Semaphore slots;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

    RefreshBatches(SessionStore store, SessionProperties properties) {
        this.store = store;
        this.properties = properties;
        this.maxSize = properties.refreshBatchSize();
        this.slots = new Semaphore(properties.refreshBatchConcurrency());
    }

    /**
     * What {@link SessionStore#refreshInOneStatement(byte[], byte[], java.time.Instant, java.time.Duration,
     * java.time.Duration, com.pipelinepulse.audit.AuditRequest)} answers for this refresh, written alone or with
     * others. Must be called outside a transaction.
     */
    Optional<SessionStore.Rotated> refresh(SessionStore.Refresh refresh) {
        Pending mine = new Pending(refresh);
        queue.add(mine);
        boolean interrupted = false;
        try {
            while (!mine.done) {
                if (slots.tryAcquire()) {
                    try {
                        writeHeadOfQueue();
                    } finally {
                        slots.release();
                    }
                    // Whoever is first in the queue now may take the slot just freed (this thread loops anyway).
                    Pending next = queue.peek();
                    if (next != null && next.owner != Thread.currentThread()) {
                        LockSupport.unpark(next.owner);
                    }
                } else {
                    // Woken when this refresh is written, or when a slot frees up while it is first in the queue.
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (mine.alone) {
            return single(refresh);
        }
        if (mine.failure != null) {
            // One exception may have ended several refreshes: each request thread throws its own.
            throw mine.shared ? new DataAccessResourceFailureException("The refresh could not be written: the "
                    + "database could not be reached", mine.failure) : mine.failure;
        }
        return mine.result;
    }

    /** Refreshes waiting for a slot (for tests). */
    int queued() {
        return queue.size();
    }

    private void writeHeadOfQueue() {
        List<Pending> batch = new ArrayList<>(Math.min(maxSize, 16));
        Pending taken;
        while (batch.size() < maxSize && (taken = queue.poll()) != null) {
            batch.add(taken);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (batch.size() == 1) {
                Pending only = batch.get(0);
                only.written(single(only.refresh));
                return;
            }
            List<SessionStore.Refresh> refreshes = new ArrayList<>(batch.size());
            batch.forEach(p -> refreshes.add(p.refresh));
            List<Optional<SessionStore.Rotated>> results = store.refreshInOneStatement(refreshes,
                    properties.idleTimeout(), properties.refreshGraceWindow());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).written(results.get(i));
            }
        } catch (DataAccessResourceFailureException | TransientDataAccessResourceException unreachable) {
            // The database is away: each one alone would only wait for it again.
            batch.forEach(p -> p.failed(unreachable, batch.size() > 1));
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).failed(e instanceof RuntimeException r ? r : new IllegalStateException(e), false);
            } else {
                // Nothing of the batch was written: each refresh runs again alone, and only a faulty one fails.
                log.warn("A batch of {} refreshes failed ({}); each runs again alone", batch.size(),
                        e.getClass().getSimpleName());
                batch.forEach(Pending::runAlone);
            }
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private Optional<SessionStore.Rotated> single(SessionStore.Refresh refresh) {
        return store.refreshInOneStatement(refresh.presentedHash(), refresh.nextHash(), refresh.now(),
                properties.idleTimeout(), properties.refreshGraceWindow(), refresh.audit());
    }

    /** One queued refresh and its owner, the request thread that waits for it. */
    private static final class Pending {
        final SessionStore.Refresh refresh;
        final Thread owner = Thread.currentThread();
        // Written before done; read after done (volatile) by the owner.
        Optional<SessionStore.Rotated> result;
        RuntimeException failure;
        boolean shared;
        boolean alone;
        volatile boolean done;

        Pending(SessionStore.Refresh refresh) {
            this.refresh = refresh;
        }

        void written(Optional<SessionStore.Rotated> rotated) {
            result = rotated;
            finish();
        }

        void failed(RuntimeException e, boolean sharedWithOthers) {
            failure = e;
            shared = sharedWithOthers;
            finish();
        }

        void runAlone() {
            alone = true;
            finish();
        }

        private void finish() {
            done = true;
            if (owner != Thread.currentThread()) {
                // Not to itself: a permit left over would end the owner's next park elsewhere early.
                LockSupport.unpark(owner);
            }
        }
    }
}
