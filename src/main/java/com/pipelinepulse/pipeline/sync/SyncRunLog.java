package com.pipelinepulse.pipeline.sync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Records runs: their start, progress (in the transaction of the page it counts) and end; reads them back. */
@Component
class SyncRunLog {

    /** A run's counters so far. */
    static final class Counters {
        int fetched;
        int upserted;
        int deleted;
        int pages;
        int zohoCalls;
        /** Deals stored without a known exchange rate (counted with 0). */
        int unconverted;
        /** Stored deals re-converted because the conversion basis changed. */
        int reconverted;
        /** Stored deals whose region was re-derived to another one (mapping or owner changed). */
        int regionChanged;
    }

    private final JdbcClient jdbc;

    SyncRunLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void start(UUID runId, SyncMode mode, String trigger, UUID requestedBy, String instance) {
        jdbc.sql("""
                insert into pipeline_sync_run (id, mode, trigger, requested_by, instance)
                values (:id, :mode, :trigger, :requestedBy, :instance)""")
                .param("id", runId).param("mode", mode.id()).param("trigger", trigger)
                .param("requestedBy", requestedBy).param("instance", instance).update();
    }

    /** The latest runs, newest first. */
    List<SyncRun> recent(int limit) {
        return jdbc.sql("select * from pipeline_sync_run order by started_at desc, id limit :limit")
                .param("limit", limit).query(SyncRunLog::map).list();
    }

    Optional<SyncRun> latest() {
        return recent(1).stream().findFirst();
    }

    private static SyncRun map(ResultSet rs, int row) throws SQLException {
        return new SyncRun(rs.getObject("id", UUID.class), rs.getString("mode"), rs.getString("trigger"),
                rs.getObject("requested_by", UUID.class), rs.getString("instance"), instant(rs, "started_at"),
                instant(rs, "heartbeat_at"), instant(rs, "finished_at"), rs.getString("outcome"), rs.getInt("fetched"),
                rs.getInt("upserted"), rs.getInt("deleted"), rs.getInt("pages"), rs.getInt("zoho_calls"),
                instant(rs, "retry_after"), rs.getString("error_detail"), rs.getInt("unconverted"),
                rs.getInt("reconverted"), rs.getInt("region_changed"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return SyncState.instant(rs.getObject(column, OffsetDateTime.class));
    }

    void progress(UUID runId, Counters counters) {
        jdbc.sql("""
                update pipeline_sync_run set fetched = :fetched, upserted = :upserted, deleted = :deleted,
                       pages = :pages, zoho_calls = :calls, unconverted = :unconverted, reconverted = :reconverted,
                       region_changed = :regionChanged, heartbeat_at = now()
                 where id = :id""")
                .param("fetched", counters.fetched).param("upserted", counters.upserted)
                .param("deleted", counters.deleted).param("pages", counters.pages)
                .param("calls", counters.zohoCalls).param("unconverted", counters.unconverted)
                .param("reconverted", counters.reconverted).param("regionChanged", counters.regionChanged)
                .param("id", runId).update();
    }

    void finish(UUID runId, Counters counters, SyncOutcome outcome, Instant retryAfter, String errorDetail) {
        jdbc.sql("""
                update pipeline_sync_run set fetched = :fetched, upserted = :upserted, deleted = :deleted,
                       pages = :pages, zoho_calls = :calls, unconverted = :unconverted, reconverted = :reconverted,
                       region_changed = :regionChanged, heartbeat_at = now(), finished_at = now(),
                       outcome = :outcome, retry_after = :retryAfter, error_detail = :error
                 where id = :id""")
                .param("fetched", counters.fetched).param("upserted", counters.upserted)
                .param("deleted", counters.deleted).param("pages", counters.pages)
                .param("calls", counters.zohoCalls).param("unconverted", counters.unconverted)
                .param("reconverted", counters.reconverted).param("regionChanged", counters.regionChanged)
                .param("outcome", outcome.id())
                .param("retryAfter", SyncState.utc(retryAfter))
                .param("error", errorDetail == null ? null
                        : errorDetail.substring(0, Math.min(1000, errorDetail.length())))
                .param("id", runId).update();
    }

    /** Runs left 'running' by instances that died: only called by the holder of the sync lock. */
    int abandonRunning(UUID exceptRunId) {
        return jdbc.sql("""
                update pipeline_sync_run set outcome = 'abandoned', finished_at = now(),
                       error_detail = 'its instance stopped before the run ended; a later run took over'
                 where outcome = 'running' and id <> :except""").param("except", exceptRunId).update();
    }
}
