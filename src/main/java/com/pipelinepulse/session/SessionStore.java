package com.pipelinepulse.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import com.pipelinepulse.audit.AuditRequest;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code user_session} and {@code refresh_token} tables. Callers own the transactions. */
@Repository
class SessionStore {

    /** The PostgreSQL channel on which revoked session ids are announced to every instance. */
    static final String REVOCATION_CHANNEL = "pp_session_revoked";

    private static final String SESSION_COLUMNS = "id, user_id, created_at, last_used_at, idle_expires_at, "
            + "absolute_expires_at, user_agent, client_ip, revoked_at, revoked_by, revoked_reason";

    private final JdbcClient jdbc;

    SessionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record SessionRow(UUID id, UUID userId, Instant createdAt, Instant lastUsedAt, Instant idleExpiresAt,
            Instant absoluteExpiresAt, String userAgent, String clientIp, Instant revokedAt, UUID revokedBy,
            String revokedReason) {

        boolean liveAt(Instant now) {
            return revokedAt == null && now.isBefore(idleExpiresAt) && now.isBefore(absoluteExpiresAt);
        }
    }

    record TokenRow(byte[] hash, UUID sessionId, Instant createdAt, Instant rotatedAt, boolean graceUsed) {
    }

    void insertSession(UUID id, UUID userId, Instant now, Instant idleExpiry, Instant absoluteExpiry, String userAgent,
            String clientIp) {
        jdbc.sql("""
                insert into user_session (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at,
                                          user_agent, client_ip)
                values (:id, :user, :now, :now, :idle, :absolute, :ua, :ip)""")
                .param("id", id).param("user", userId).param("now", ts(now)).param("idle", ts(idleExpiry))
                .param("absolute", ts(absoluteExpiry)).param("ua", userAgent).param("ip", clientIp)
                .update();
    }

    void insertToken(byte[] hash, UUID sessionId, Instant now) {
        jdbc.sql("insert into refresh_token (token_hash, session_id, created_at) values (:hash, :sid, :now)")
                .param("hash", hash).param("sid", sessionId).param("now", ts(now)).update();
    }

    Optional<TokenRow> findToken(byte[] hash) {
        return jdbc.sql("select token_hash, session_id, created_at, rotated_at, grace_used from refresh_token "
                + "where token_hash = :hash").param("hash", hash)
                .query((rs, n) -> new TokenRow(rs.getBytes(1), rs.getObject(2, UUID.class), instant(rs, 3),
                        instant(rs, 4), rs.getBoolean(5)))
                .optional();
    }

    /**
     * Finds the session a refresh token belongs to and locks its row, in one round trip: concurrent refreshes of
     * one session are serialised here. The token itself must be read again after this (a concurrent refresh may
     * have rotated it while this one waited for the lock).
     */
    Optional<SessionRow> lockSessionOfToken(byte[] hash) {
        return jdbc.sql("select " + SESSION_COLUMNS + " from user_session where id = "
                        + "(select session_id from refresh_token where token_hash = :hash) for update")
                .param("hash", hash).query(SessionStore::mapSession).optional();
    }

    /**
     * The rotation's writes in one round trip: every not-yet-rotated token of the session is marked rotated, or,
     * for a second tab inside the grace window, the presented token's grace is used up; the next token is stored
     * and the session's idle expiry moves on.
     */
    void rotate(UUID sessionId, byte[] presentedHash, boolean graceUse, byte[] nextHash, Instant now,
            Instant idleExpiry) {
        jdbc.sql("""
                with rotated as (
                    update refresh_token set rotated_at = :now
                     where not :grace and session_id = :sid and rotated_at is null),
                grace as (
                    update refresh_token set grace_used = true where :grace and token_hash = :presented),
                touched as (
                    update user_session set last_used_at = :now, idle_expires_at = :idle where id = :sid)
                insert into refresh_token (token_hash, session_id, created_at) values (:next, :sid, :now)""")
                .param("now", ts(now)).param("grace", graceUse).param("sid", sessionId)
                .param("presented", presentedHash).param("idle", ts(idleExpiry)).param("next", nextHash)
                .update();
    }

    /** What {@link #refreshInOneStatement} rotated: the session, its user, whether its audit row was written. */
    record Rotated(UUID sessionId, Instant absoluteExpiresAt, UserAccount user, boolean audited) {
    }

    /**
     * The whole refresh of a live token in one statement, its own transaction ({@code refresh_session}, V50): lock,
     * checks, rotation, idle expiry, and the audit row of the success with the request's facts. Empty when the token
     * may not simply be rotated (unknown, revoked, expired, inactive user, reuse): then nothing was written and the
     * caller decides under the lock ({@link #lockSessionOfToken}). Must run outside a transaction to be one commit.
     */
    Optional<Rotated> refreshInOneStatement(byte[] presentedHash, byte[] nextHash, Instant now, Duration idleTimeout,
            Duration graceWindow, AuditRequest audit) {
        return jdbc.sql("""
                select * from refresh_session(:presented, :next, :now, :idle * interval '1 microsecond',
                                              :grace * interval '1 microsecond', :ip, :ua, :rid)
                 where outcome = 'rotated'""")
                .param("presented", presentedHash).param("next", nextHash).param("now", ts(now))
                .param("idle", micros(idleTimeout)).param("grace", micros(graceWindow))
                .param("ip", audit.clientIp()).param("ua", audit.userAgent()).param("rid", audit.requestId())
                .query((rs, n) -> mapRotated(rs))
                .optional();
    }

    private static Rotated mapRotated(ResultSet rs) throws SQLException {
        return new Rotated(rs.getObject("session_id", UUID.class), instant(rs, "absolute_expires_at"),
                new UserAccount(rs.getObject("user_id", UUID.class), rs.getString("zoho_user_id"),
                        rs.getString("email"), rs.getString("display_name"), rs.getString("region"),
                        Role.fromId(rs.getString("role")), true),
                rs.getBoolean("audited"));
    }

    /** One refresh of a batch: what {@link #refreshInOneStatement} takes, but the durations. */
    record Refresh(byte[] presentedHash, byte[] nextHash, Instant now, AuditRequest audit) {
    }

    /**
     * Several refreshes in one statement, one transaction ({@code refresh_session_batch}, V54): each item decided
     * exactly as {@link #refreshInOneStatement} decides it, in list order, the sessions of all of them locked first in
     * id order. The answer has one element per refresh, in the same order: empty where that refresh may not simply
     * be rotated (nothing was written for it). Throws if any item fails: then nothing at all was written.
     */
    List<Optional<Rotated>> refreshInOneStatement(List<Refresh> refreshes, Duration idleTimeout,
            Duration graceWindow) {
        int n = refreshes.size();
        byte[][] presented = new byte[n][];
        byte[][] next = new byte[n][];
        long[] at = new long[n];
        String[] ips = new String[n];
        String[] agents = new String[n];
        String[] requests = new String[n];
        for (int i = 0; i < n; i++) {
            Refresh r = refreshes.get(i);
            presented[i] = r.presentedHash();
            next[i] = r.nextHash();
            at[i] = ChronoUnit.MICROS.between(Instant.EPOCH, r.now());
            ips[i] = r.audit().clientIp();
            agents[i] = r.audit().userAgent();
            requests[i] = r.audit().requestId();
        }
        List<Optional<Rotated>> results = new ArrayList<>(Collections.nCopies(n, Optional.empty()));
        jdbc.sql("""
                select * from refresh_session_batch(:presented, :next, :at, :idle * interval '1 microsecond',
                                                    :grace * interval '1 microsecond', :ip, :ua, :rid)
                 where outcome = 'rotated'""")
                .param("presented", presented).param("next", next).param("at", at)
                .param("idle", micros(idleTimeout)).param("grace", micros(graceWindow))
                .param("ip", ips).param("ua", agents).param("rid", requests)
                .query(rs -> {
                    results.set(rs.getInt("item") - 1, Optional.of(mapRotated(rs)));
                });
        return results;
    }

    /** Locks the session row by its id (a user ending one of their sessions). */
    Optional<SessionRow> lockSession(UUID id) {
        return jdbc.sql("select " + SESSION_COLUMNS + " from user_session where id = :id for update")
                .param("id", id).query(SessionStore::mapSession).optional();
    }

    /**
     * The user's live sessions, locked in id order: the order in which every transaction that locks several sessions
     * takes them ({@code refresh_session_batch}, V54), so that none waits for another in a cycle.
     */
    List<SessionRow> lockLiveSessionsOf(UUID userId, Instant now) {
        return jdbc.sql("select " + SESSION_COLUMNS + " from user_session where user_id = :user and revoked_at is null "
                + "and idle_expires_at > :now and absolute_expires_at > :now order by id for update")
                .param("user", userId).param("now", ts(now)).query(SessionStore::mapSession).list();
    }

    List<SessionRow> liveSessionsOf(UUID userId, Instant now) {
        return jdbc.sql("select " + SESSION_COLUMNS + " from user_session where user_id = :user and revoked_at is null "
                + "and idle_expires_at > :now and absolute_expires_at > :now order by created_at desc")
                .param("user", userId).param("now", ts(now)).query(SessionStore::mapSession).list();
    }

    /**
     * Revokes every live session except {@code keep} in one statement (locked in id order, as
     * {@link #lockLiveSessionsOf} explains) and announces each to every instance (delivered
     * when the transaction commits). Returns the revoked sessions with their users.
     */
    List<RevokedSession> revokeAllExcept(UUID keep, UUID revokedBy, String reason, Instant now) {
        return jdbc.sql("""
                with ended as (
                    update user_session set revoked_at = :now, revoked_by = :by, revoked_reason = :reason
                     where id in (select id from user_session where revoked_at is null and id <> :keep
                                   order by id for update)
                    returning id, user_id)
                select id, user_id, pg_notify(:channel, id::text) is not null as announced from ended""")
                .param("now", ts(now)).param("by", revokedBy).param("reason", reason).param("keep", keep)
                .param("channel", REVOCATION_CHANNEL)
                .query((rs, n) -> new RevokedSession(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class)))
                .list();
    }

    record RevokedSession(UUID sessionId, UUID userId) {
    }

    /**
     * Revokes the session if it is not already revoked and announces it to every instance (the
     * notification is delivered when the transaction commits). Returns whether this call revoked it.
     */
    boolean revoke(UUID sessionId, UUID revokedBy, String reason, Instant now) {
        int changed = jdbc.sql("""
                update user_session set revoked_at = :now, revoked_by = :by, revoked_reason = :reason
                 where id = :id and revoked_at is null""")
                .param("now", ts(now)).param("by", revokedBy).param("reason", reason).param("id", sessionId)
                .update();
        if (changed > 0) {
            jdbc.sql("select pg_notify(:channel, :sid)").param("channel", REVOCATION_CHANNEL)
                    .param("sid", sessionId.toString()).query((rs, n) -> 1).list();
        }
        return changed > 0;
    }

    /** Session ids revoked since {@code since}: what a (re)connecting listener may have missed. */
    List<UUID> revokedSince(Instant since) {
        return jdbc.sql("select id from user_session where revoked_at >= :since")
                .param("since", ts(since)).query((rs, n) -> rs.getObject(1, UUID.class)).list();
    }

    /** Direct check, used while the revocation listener is not connected. */
    boolean isRevoked(UUID sessionId) {
        return jdbc.sql("select revoked_at is not null from user_session where id = :id").param("id", sessionId)
                .query(Boolean.class).optional().orElse(false);
    }

    /**
     * Deletes sessions revoked or expired before {@code cutoff}, locked in id order ({@link #lockLiveSessionsOf});
     * refresh tokens go with them (cascade).
     */
    int deleteEndedBefore(Instant cutoff) {
        return jdbc.sql("delete from user_session where id in (select id from user_session where revoked_at < :cutoff "
                + "or absolute_expires_at < :cutoff or idle_expires_at < :cutoff order by id for update)")
                .param("cutoff", ts(cutoff)).update();
    }

    long countLive(Instant now) {
        return jdbc.sql("select count(*) from user_session where revoked_at is null and idle_expires_at > :now "
                + "and absolute_expires_at > :now").param("now", ts(now)).query(Long.class).single();
    }

    private static SessionRow mapSession(ResultSet rs, int row) throws SQLException {
        return new SessionRow(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                instant(rs, "created_at"), instant(rs, "last_used_at"), instant(rs, "idle_expires_at"),
                instant(rs, "absolute_expires_at"), rs.getString("user_agent"), rs.getString("client_ip"),
                instant(rs, "revoked_at"), rs.getObject("revoked_by", UUID.class), rs.getString("revoked_reason"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1_000;
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
