package com.pipelinepulse.pipeline.sync;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one row of {@code pipeline_sync_state}: the sync account and the two cursors. The cursors move forward in
 * the transaction that stores what they cover, and back only when a read of Deals has to be made again
 * ({@link #rewindCursors}).
 */
@Component
class SyncState {

    /**
     * @param syncUserId     the user whose Zoho connection reads the CRM (null: none chosen)
     * @param modifiedCursor every deal modified up to this instant is stored (null: nothing stored yet)
     * @param deletedCursor  the latest {@code deleted_time} of the deleted list read to its end
     */
    record Snapshot(UUID syncUserId, Instant modifiedCursor, Instant deletedCursor, Instant lastFullSyncAt,
            Instant updatedAt, UUID fullPassId, Instant fullPassCursor) {
    }

    private final JdbcClient jdbc;

    SyncState(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Snapshot read() {
        return jdbc.sql("""
                select sync_user_id, modified_cursor, deleted_cursor, last_full_sync_at, updated_at, full_pass_id,
                       full_pass_cursor
                  from pipeline_sync_state where id = 1""")
                .query((rs, n) -> new Snapshot(rs.getObject("sync_user_id", UUID.class),
                        instant(rs.getObject("modified_cursor", OffsetDateTime.class)),
                        instant(rs.getObject("deleted_cursor", OffsetDateTime.class)),
                        instant(rs.getObject("last_full_sync_at", OffsetDateTime.class)),
                        instant(rs.getObject("updated_at", OffsetDateTime.class)),
                        rs.getObject("full_pass_id", UUID.class),
                        instant(rs.getObject("full_pass_cursor", OffsetDateTime.class))))
                .single();
    }

    void setSyncAccount(UUID userId, UUID actorId) {
        jdbc.sql("update pipeline_sync_state set sync_user_id = :user, updated_by = :actor, updated_at = now() "
                + "where id = 1").param("user", userId).param("actor", actorId).update();
    }

    /** Moves the modified cursor forward to {@code cursor} (never back). Joins the caller's transaction. */
    void advanceModifiedCursor(Instant cursor) {
        jdbc.sql("update pipeline_sync_state set modified_cursor = greatest(modified_cursor, :cursor), "
                + "updated_at = now() where id = 1").param("cursor", utc(cursor)).update();
    }

    /** Moves the deleted cursor forward to {@code cursor} (never back). Joins the caller's transaction. */
    void advanceDeletedCursor(Instant cursor) {
        jdbc.sql("update pipeline_sync_state set deleted_cursor = greatest(deleted_cursor, :cursor), "
                + "updated_at = now() where id = 1").param("cursor", utc(cursor)).update();
    }

    /** A full run completed its pass: records when, and ends the pass. Joins the caller's transaction. */
    void fullSyncCompleted() {
        jdbc.sql("""
                update pipeline_sync_state set last_full_sync_at = now(), full_pass_id = null, full_pass_cursor = null,
                       updated_at = now() where id = 1""").update();
    }

    /**
     * Moves the modified cursor (and the full pass's, when {@code fullPass}) back to {@code cursor}, when they are
     * past it: the only move backwards, for a run that reads a list that shifted under it again (or gives up), so
     * that a run stopped before it has read it again resumes from there.
     */
    void rewindCursors(Instant cursor, boolean fullPass) {
        jdbc.sql("update pipeline_sync_state set modified_cursor = least(modified_cursor, :cursor)"
                + (fullPass ? ", full_pass_cursor = least(full_pass_cursor, :cursor)" : "")
                + ", updated_at = now() where id = 1").param("cursor", utc(cursor)).update();
    }

    /** A full pass begins: its deals will carry {@code passId} as their last_seen_run. */
    void startFullPass(UUID passId) {
        jdbc.sql("update pipeline_sync_state set full_pass_id = :pass, full_pass_cursor = null, updated_at = now() "
                + "where id = 1").param("pass", passId).update();
    }

    /** The pass has received every deal modified up to {@code cursor} (never moves back). Joins the caller's tx. */
    void advanceFullPass(Instant cursor) {
        jdbc.sql("""
                update pipeline_sync_state set full_pass_cursor = greatest(full_pass_cursor, :cursor), updated_at = now()
                 where id = 1""").param("cursor", utc(cursor)).update();
    }

    /** The pass is given up (the deletion guard refused it): the next full run starts a new one. */
    void abandonFullPass() {
        jdbc.sql("update pipeline_sync_state set full_pass_id = null, full_pass_cursor = null, updated_at = now() "
                + "where id = 1").update();
    }

    /** Whether the stored amounts are converted with {@code basis} (canonical jsonb text). */
    boolean conversionBasisIs(String basis) {
        return Boolean.TRUE.equals(jdbc.sql("select coalesce(conversion_basis = cast(:basis as jsonb), false) "
                + "from pipeline_sync_state where id = 1").param("basis", basis).query(Boolean.class).single());
    }

    /** Records the basis every stored amount is now converted with. Joins the caller's transaction. */
    void conversionBasis(String basis) {
        jdbc.sql("update pipeline_sync_state set conversion_basis = cast(:basis as jsonb), updated_at = now() "
                + "where id = 1").param("basis", basis).update();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
