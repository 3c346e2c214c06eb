package com.pipelinepulse.pipeline.sync;

import java.time.Instant;
import java.util.UUID;

/**
 * One sync run as recorded in {@code pipeline_sync_run} (see {@link SyncRunLog}). Plain JDBC rather than a JPA
 * entity: the service's transaction manager is JDBC's (docs: database module), so JPA writes would not join it.
 */
record SyncRun(UUID id, String mode, String trigger, UUID requestedBy, String instance, Instant startedAt,
        Instant heartbeatAt, Instant finishedAt, String outcome, int fetched, int upserted, int deleted, int pages,
        int zohoCalls, Instant retryAfter, String errorDetail, int unconverted, int reconverted, int regionChanged) {
}
