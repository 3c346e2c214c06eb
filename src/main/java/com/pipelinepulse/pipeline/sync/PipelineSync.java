package com.pipelinepulse.pipeline.sync;

import com.pipelinepulse.web.ApiProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;

/**
 * Starts sync runs, one at a time across all instances. The lock is ShedLock's row in {@code shedlock}
 * ({@code pipeline-sync}, database time): taken before a run is recorded, renewed after each stored page for
 * {@code sync-lock-timeout}, released when the run ends. No connection is held for the lock, so a run never holds
 * one connection while waiting for another. A run row still {@code running} when the lock is free belongs to an
 * instance that died: the next run marks it {@code abandoned} and resumes from the cursors.
 *
 * <p>Runs execute on this instance's single sync thread; {@link #start} returns as soon as the run is recorded.
 */
class PipelineSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PipelineSync.class);

    static final String LOCK_NAME = "pipeline-sync";

    /** Why no run was started. */
    enum Refusal {
        RUNNING, NO_ACCOUNT, THROTTLED, NOT_DUE
    }

    private final SyncRunner runner;
    private final SyncRunLog runLog;
    private final SyncState state;
    private final LockProvider locks;
    private final PipelineSyncProperties properties;
    private final PipelineSyncMetrics metrics;
    private final Clock clock;
    private final String instance;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "pipeline-sync");
        thread.setDaemon(true);
        return thread;
    });

    PipelineSync(SyncRunner runner, SyncRunLog runLog, SyncState state, LockProvider locks,
            PipelineSyncProperties properties, PipelineSyncMetrics metrics, Clock clock, String instance) {
        this.runner = runner;
        this.runLog = runLog;
        this.state = state;
        this.locks = locks;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.instance = instance;
    }

    /**
     * Starts a run asked for by an admin.
     *
     * @return the run id
     * @throws ApiProblemException 409 {@code sync-running}, {@code sync-account-missing} or {@code sync-throttled}
     */
    UUID startManual(SyncMode mode, UUID requestedBy) {
        Start start = start(mode, "manual", requestedBy);
        if (start.runId() != null) {
            return start.runId();
        }
        throw switch (start.refusal()) {
            case RUNNING -> new ApiProblemException("sync-running", "A sync is running", 409,
                    "A pipeline sync is already running; its progress is in GET /api/admin/pipeline/sync.", Map.of(),
                    new HttpHeaders());
            case NO_ACCOUNT -> new ApiProblemException("sync-account-missing", "No sync account", 409,
                    "Choose the sync account first: PUT /api/admin/pipeline/sync-account {\"user_id\": ...}.",
                    Map.of(), new HttpHeaders());
            case THROTTLED -> throttled(start.retryAfter(), clock.instant());
            case NOT_DUE -> new IllegalStateException("a manual run is always due");
        };
    }

    /** The scheduler's tick: starts an incremental run when one is due (and nothing stands in the way). */
    Optional<UUID> startScheduledIfDue() {
        return Optional.ofNullable(start(SyncMode.INCREMENTAL, "scheduled", null).runId());
    }

    /** When the next scheduled run is due: an interval after the last run started, not before a throttle ends. */
    Optional<Instant> nextScheduledRun() {
        return nextScheduledRun(clock.instant());
    }

    private Optional<Instant> nextScheduledRun(Instant now) {
        if (!properties.scheduled()) {
            return Optional.empty();
        }
        Optional<SyncRun> last = runLog.latest();
        Instant due = last.map(r -> r.startedAt().plus(properties.syncInterval())).orElse(now);
        Instant retryAfter = last.map(SyncRun::retryAfter).orElse(null);
        return Optional.of(retryAfter != null && retryAfter.isAfter(due) ? retryAfter : due);
    }

    record Start(UUID runId, Refusal refusal, Instant retryAfter) {
    }

    private Start start(SyncMode mode, String trigger, UUID requestedBy) {
        if (state.read().syncUserId() == null) {
            return new Start(null, Refusal.NO_ACCOUNT, null);
        }
        Instant now = clock.instant();
        Optional<SimpleLock> held = locks.lock(new LockConfiguration(now, LOCK_NAME, properties.syncLockTimeout(),
                Duration.ZERO));
        if (held.isEmpty()) {
            return new Start(null, Refusal.RUNNING, null);
        }
        AtomicReference<SimpleLock> lock = new AtomicReference<>(held.get());
        try {
            // Decided under the lock, so that two instances cannot both find a run due.
            Optional<SyncRun> last = runLog.latest();
            Instant retryAfter = last.map(SyncRun::retryAfter).orElse(null);
            if (retryAfter != null && retryAfter.isAfter(now)) {
                lock.get().unlock();
                return new Start(null, Refusal.THROTTLED, retryAfter);
            }
            if ("scheduled".equals(trigger) && nextScheduledRun(now).map(due -> due.isAfter(now)).orElse(true)) {
                lock.get().unlock();
                return new Start(null, Refusal.NOT_DUE, null);
            }
            UUID runId = UUID.randomUUID();
            int abandoned = runLog.abandonRunning(runId);
            if (abandoned > 0) {
                log.warn("Pipeline sync: {} run(s) left running by a stopped instance marked abandoned", abandoned);
            }
            runLog.start(runId, mode, trigger, requestedBy, instance);
            executor.execute(() -> execute(runId, mode, lock));
            log.info("Pipeline sync {} ({}, {}) started", runId, mode.id(), trigger);
            return new Start(runId, null, null);
        } catch (RejectedExecutionException | org.springframework.dao.DataAccessException e) {
            lock.get().unlock();
            throw e;
        }
    }

    private void execute(UUID runId, SyncMode mode, AtomicReference<SimpleLock> lock) {
        long started = System.nanoTime();
        try {
            SyncRunner.Result result = runner.run(runId, mode, () -> {
                Optional<SimpleLock> extended = lock.get().extend(properties.syncLockTimeout(), Duration.ZERO);
                extended.ifPresent(lock::set);
                return extended.isPresent();
            });
            metrics.ended(mode, result, Duration.ofNanos(System.nanoTime() - started));
        } finally {
            try {
                lock.get().unlock();
            } catch (RuntimeException e) {
                log.warn("Pipeline sync {}: could not release the sync lock ({}); it expires by itself", runId,
                        e.getClass().getSimpleName());
            }
        }
    }

    static ApiProblemException throttled(Instant retryAfter, Instant now) {
        long seconds = Math.max(1, Duration.between(now, retryAfter).toSeconds() + 1);
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return new ApiProblemException("sync-throttled", "Zoho is throttling the sync", 409,
                "Zoho CRM asked the sync to wait; the next run may start after " + retryAfter + ".",
                Map.of("retry_after", retryAfter.toString()), headers);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
