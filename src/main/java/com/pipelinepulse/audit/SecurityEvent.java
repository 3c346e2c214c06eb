package com.pipelinepulse.audit;

import java.util.Map;
import java.util.UUID;

/**
 * Something security-relevant happened. Any module publishes these with Spring's
 * {@code ApplicationEventPublisher}; the audit module stores each one (adding time, client IP, user agent
 * and request id from the current request), and metrics and failure throttling listen to them too.
 *
 * @param type    stable event type, see {@link Types}
 * @param outcome {@code success} or {@code failure}
 * @param userId  the user concerned, when known
 * @param subject who it is about, for people reading the trail; emails are masked before storage
 * @param details extra facts (reason codes, session ids, old and new roles); never a token or secret
 * @param stored  its audit row is already written, in the publisher's own statement (a refresh, see
 *                {@link AuditRequest}): the audit module does not write it again; metrics and throttling still count it
 */
public record SecurityEvent(String type, String outcome, UUID userId, String subject, Map<String, Object> details,
        boolean stored) {

    public SecurityEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public SecurityEvent(String type, String outcome, UUID userId, String subject, Map<String, Object> details) {
        this(type, outcome, userId, subject, details, false);
    }

    /** This event, marked as stored already (its publisher wrote the row of {@link AuditRequest} itself). */
    public SecurityEvent asStored() {
        return new SecurityEvent(type, outcome, userId, subject, details, true);
    }

    public static SecurityEvent success(String type, UUID userId, String subject, Map<String, Object> details) {
        return new SecurityEvent(type, "success", userId, subject, details);
    }

    public static SecurityEvent failure(String type, UUID userId, String subject, Map<String, Object> details) {
        return new SecurityEvent(type, "failure", userId, subject, details);
    }

    public boolean failed() {
        return "failure".equals(outcome);
    }

    /** The event types. Names are a contract with dashboards and alert rules: never rename one. */
    public static final class Types {
        public static final String SIGN_IN = "sign_in";
        public static final String REFRESH = "refresh";
        public static final String REFRESH_REUSE = "refresh_reuse";
        public static final String LOGOUT = "logout";
        public static final String SESSION_REVOKED = "session_revoked";
        /** An admin ended every session but their own (details: ended_sessions, users, by). */
        public static final String ALL_SESSIONS_REVOKED = "all_sessions_revoked";
        public static final String ROLE_CHANGED = "role_changed";
        public static final String REGION_CHANGED = "region_changed";
        public static final String USER_STATUS_CHANGED = "user_status_changed";
        public static final String RATE_LIMITED = "rate_limited";
        public static final String LOCKOUT = "lockout";
        public static final String ZOHO_REAUTH_REQUIRED = "zoho_reauth_required";
        public static final String ZOHO_TOKEN_REFRESH = "zoho_token_refresh";
        public static final String SECRETS_FALLBACK = "secrets_fallback";
        /** A signed-in caller was answered 403 (ASVS 16.3.2); details {@code reason}, {@code method}, {@code path}. */
        public static final String ACCESS_REFUSED = "access_refused";
        /** An admin chose the pipeline's sync account (details: from, to, by). */
        public static final String PIPELINE_SYNC_ACCOUNT_SET = "pipeline_sync_account_set";

        private Types() {
        }
    }
}
