package com.pipelinepulse.session;

import com.pipelinepulse.audit.AuditRequest;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.crypto.Sha256;
import com.pipelinepulse.identity.UserAccessReduced;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import jakarta.servlet.http.HttpServletResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opens sessions, rotates refresh tokens with reuse detection, and ends sessions. docs/authentication.md
 * explains the rules; in short: every refresh rotates the token; a rotated token presented again is accepted
 * once inside the grace window (two tabs refreshing together) and otherwise revokes the whole session.
 */
@Service
class RefreshTokenRotation implements SessionOpener {

    private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final SessionStore store;
    private final SessionRevocations revocations;
    private final UserDirectory users;
    private final SessionProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final RefreshBatches batches;
    private final SecureRandom random = new SecureRandom();

    RefreshTokenRotation(SessionStore store, SessionRevocations revocations, UserDirectory users,
            SessionProperties properties, ApplicationEventPublisher events, PlatformTransactionManager transactions,
            RefreshBatches batches) {
        this.transactions = new TransactionTemplate(transactions);
        this.batches = batches;
        this.store = store;
        this.revocations = revocations;
        this.users = users;
        this.properties = properties;
        this.events = events;
    }

    @Override
    @Transactional
    public UUID open(UUID userId, String userAgent, String clientIp, HttpServletResponse response) {
        Instant now = Instant.now();
        UUID sessionId = UUID.randomUUID();
        Instant absolute = now.plus(properties.absoluteLifetime());
        store.insertSession(sessionId, userId, now, earliest(now.plus(properties.idleTimeout()), absolute), absolute,
                truncate(userAgent, 512), truncate(clientIp, 64));
        String token = newToken();
        store.insertToken(hash(token), sessionId, now);
        response.addHeader(HttpHeaders.SET_COOKIE, RefreshCookie.set(token, properties.absoluteLifetime()));
        return sessionId;
    }

    /** The result of a refresh: either a new token for a live session, or the reason it was refused. */
    record Outcome(String newToken, UserAccount user, UUID sessionId, Duration cookieMaxAge, String failure) {

        static Outcome refused(String reason) {
            return new Outcome(null, null, null, null, reason);
        }

        boolean succeeded() {
            return failure == null;
        }

        /** Never the new refresh token: it is the session's credential. */
        @Override
        public String toString() {
            return "Outcome[sessionId=" + sessionId + ", userId=" + (user == null ? null : user.id())
                    + ", cookieMaxAge=" + cookieMaxAge + ", failure=" + failure + ", newToken="
                    + (newToken == null ? "absent" : "present") + "]";
        }
    }

    /**
     * Rotates the presented refresh token. Never throws for a bad token: refusals (including a reuse that
     * revoked the session) are returned so that the transaction commits what they wrote.
     *
     * <p>A token that may simply be rotated is rotated in one statement, one round trip and one commit
     * ({@link SessionStore#refreshInOneStatement}, which also writes the audit row), shared with the refreshes that
     * arrived meanwhile ({@link RefreshBatches}). Anything else (a refusal, a reuse) is decided again under the
     * session lock in a transaction of its own, as before.
     */
    Outcome refresh(String presented) {
        if (presented == null || presented.isEmpty()) {
            return refused("missing_token", null, null, null);
        }
        if (!TOKEN_SHAPE.matcher(presented).matches()) {
            return refused("malformed_token", null, null, null);
        }
        byte[] hash = hash(presented);
        // The database keeps microseconds: the times compared and stored are the same on both sides.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String next = newToken();
        SessionStore.Rotated rotated = batches.refresh(new SessionStore.Refresh(hash, hash(next), now,
                AuditRequest.current())).orElse(null);
        if (rotated == null) {
            return transactions.execute(status -> refreshUnderLock(hash));
        }
        UserAccount user = rotated.user();
        SecurityEvent event = SecurityEvent.success(SecurityEvent.Types.REFRESH, user.id(), user.email(),
                Map.of("session_id", rotated.sessionId().toString()));
        events.publishEvent(rotated.audited() ? event.asStored() : event);
        return new Outcome(next, user, rotated.sessionId(), Duration.between(now, rotated.absoluteExpiresAt()), null);
    }

    /** The refresh of a token that could not simply be rotated, decided under the session lock. */
    private Outcome refreshUnderLock(byte[] hash) {
        SessionStore.SessionRow session = store.lockSessionOfToken(hash).orElse(null);
        // Read under the session lock: a concurrent refresh may have rotated it while this one waited.
        SessionStore.TokenRow token = session == null ? null : store.findToken(hash).orElse(null);
        if (session == null || token == null) {
            return refused("unknown_token", null, null, null);
        }
        Instant now = Instant.now();
        UserAccount user = users.find(session.userId()).orElse(null);
        String subject = user == null ? null : user.email();
        if (session.revokedAt() != null) {
            return refused("session_revoked", session.userId(), subject, session.id());
        }
        if (!session.liveAt(now)) {
            return refused("session_expired", session.userId(), subject, session.id());
        }
        if (user == null || !user.active()) {
            end(session.id(), null, "user_inactive", now, session.userId(), subject);
            return refused("user_inactive", session.userId(), subject, session.id());
        }
        boolean graceUse = false;
        if (token.rotatedAt() != null) {
            // Two tabs refreshed with the same cookie at once: the later one gets its own new token, once.
            graceUse = !token.graceUsed() && now.isBefore(token.rotatedAt().plus(properties.refreshGraceWindow()));
        }
        if (token.rotatedAt() != null && !graceUse) {
            end(session.id(), null, "refresh_reuse", now, session.userId(), subject);
            events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.REFRESH_REUSE, session.userId(), subject,
                    Map.of("session_id", session.id().toString())));
            return refused("refresh_reuse", session.userId(), subject, session.id());
        }
        String next = newToken();
        store.rotate(session.id(), hash, graceUse, hash(next), now,
                earliest(now.plus(properties.idleTimeout()), session.absoluteExpiresAt()));
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.REFRESH, user.id(), subject,
                Map.of("session_id", session.id().toString())));
        return new Outcome(next, user, session.id(), Duration.between(now, session.absoluteExpiresAt()), null);
    }

    /**
     * Ends the session the refresh token belongs to (logout). A token that was already rotated still names
     * its session: logging out is never refused. Returns whether a session was found.
     */
    @Transactional
    boolean logout(String presented) {
        if (presented == null || !TOKEN_SHAPE.matcher(presented).matches()) {
            return false;
        }
        Optional<SessionStore.SessionRow> session = store.lockSessionOfToken(hash(presented));
        if (session.isEmpty()) {
            return false;
        }
        SessionStore.SessionRow s = session.get();
        String subject = users.find(s.userId()).map(UserAccount::email).orElse(null);
        end(s.id(), s.userId(), "logout", Instant.now(), s.userId(), subject);
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.LOGOUT, s.userId(), subject,
                Map.of("session_id", s.id().toString())));
        return true;
    }

    /** The user's live sessions, newest first. */
    List<SessionStore.SessionRow> liveSessions(UUID userId) {
        return store.liveSessionsOf(userId, Instant.now());
    }

    /** Ends one of the owner's sessions; false (nothing changed) when it is not theirs or already over. */
    @Transactional
    boolean endOwnSession(UUID ownerId, UUID sessionId) {
        Optional<SessionStore.SessionRow> session = store.lockSession(sessionId)
                .filter(s -> s.userId().equals(ownerId));
        if (session.isEmpty() || session.get().revokedAt() != null) {
            return false;
        }
        String subject = users.find(ownerId).map(UserAccount::email).orElse(null);
        end(sessionId, ownerId, "user_ended", Instant.now(), ownerId, subject);
        return true;
    }

    /** Ends every live session of a user on an admin's request; returns how many. */
    @Transactional
    int endAllSessions(UUID userId, UUID adminId) {
        return endSessions(userId, null, adminId, "admin");
    }

    /**
     * Ends every live session of every user except the asking admin's own ({@code keep}), after a suspected
     * compromise of many sessions: one statement, each revocation announced to every instance, one audit row for the
     * whole action (who, how many) rather than one per session. Returns how many ended.
     */
    @Transactional
    int endEverySession(UUID adminId, UUID keep) {
        Instant now = Instant.now();
        List<SessionStore.RevokedSession> ended = store.revokeAllExcept(keep, adminId, "admin_all", now);
        ended.forEach(s -> revocations.revokedHere(s.sessionId()));
        long people = ended.stream().map(SessionStore.RevokedSession::userId).distinct().count();
        String subject = users.find(adminId).map(UserAccount::email).orElse(null);
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.ALL_SESSIONS_REVOKED, adminId, subject,
                Map.of("ended_sessions", ended.size(), "users", people, "by", adminId.toString())));
        return ended.size();
    }

    /** Ends every live session of the owner except {@code keep} (the one asking); returns how many. */
    @Transactional
    int endOtherSessions(UUID ownerId, UUID keep) {
        return endSessions(ownerId, keep, ownerId, "user_ended_others");
    }

    /**
     * A user's role was lowered or their account disabled: every session of theirs ends in the same transaction
     * (the publisher's), so their access tokens and refresh cookies stop working as soon as the change commits.
     */
    @EventListener
    @Transactional
    public void on(UserAccessReduced reduced) {
        endSessions(reduced.userId(), null, reduced.actorId(), reduced.reason());
    }

    private int endSessions(UUID userId, UUID keep, UUID by, String reason) {
        Instant now = Instant.now();
        String subject = users.find(userId).map(UserAccount::email).orElse(null);
        int ended = 0;
        for (SessionStore.SessionRow s : store.lockLiveSessionsOf(userId, now)) {
            if (!s.id().equals(keep) && end(s.id(), by, reason, now, userId, subject)) {
                ended++;
            }
        }
        return ended;
    }

    private boolean end(UUID sessionId, UUID by, String reason, Instant now, UUID userId, String subject) {
        if (!store.revoke(sessionId, by, reason, now)) {
            return false;
        }
        revocations.revokedHere(sessionId);
        Map<String, Object> details = new HashMap<>();
        details.put("session_id", sessionId.toString());
        details.put("reason", reason);
        details.put("by", by == null ? "system" : by.toString());
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.SESSION_REVOKED, userId, subject, details));
        return true;
    }

    private Outcome refused(String reason, UUID userId, String subject, UUID sessionId) {
        Map<String, Object> details = new HashMap<>();
        details.put("reason", reason);
        if (sessionId != null) {
            details.put("session_id", sessionId.toString());
        }
        events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.REFRESH, userId, subject, details));
        return Outcome.refused(reason);
    }

    /** 256 random bits, base64url without padding (43 characters). */
    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String token) {
        // Tokens are base64url text: their UTF-8 and ASCII bytes are the same.
        return Sha256.of(token);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
