package com.pipelinepulse.observability;

/**
 * Micrometer names of this service's own metrics (Prometheus: dots become underscores, counters gain
 * {@code _total}). docs/observability.md lists each with its labels and the module that provides it; alert
 * rules and dashboards depend on them, so never rename one.
 */
public final class MetricNames {

    /** Counter, tag {@code outcome} (success, failure): completed and failed sign-ins. */
    public static final String SIGN_INS = "pipelinepulse.auth.sign_ins";
    /** Counter, tag {@code outcome}: refresh-token rotations. */
    public static final String REFRESHES = "pipelinepulse.auth.refreshes";
    /** Counter: an already-rotated refresh token was presented (the session was revoked). */
    public static final String REFRESH_REUSE = "pipelinepulse.auth.refresh_reuse";
    /** Counter: sign-outs. */
    public static final String LOGOUTS = "pipelinepulse.auth.logouts";
    /** Counter: sessions ended by their owner or an admin. */
    public static final String SESSIONS_REVOKED = "pipelinepulse.auth.sessions_revoked";
    /** Counter: accounts or addresses locked out after repeated failures. */
    public static final String LOCKOUTS = "pipelinepulse.auth.lockouts";
    /** Counter: requests refused by a rate limit. */
    public static final String RATE_LIMIT_REJECTIONS = "pipelinepulse.ratelimit.rejections";
    /** Counter: Zoho connections that moved to REAUTH_REQUIRED. */
    public static final String ZOHO_REAUTH_REQUIRED = "pipelinepulse.zoho.reauth_required";
    /** Counter: a secret was served by the fallback source (environment) although AWS is configured. */
    public static final String SECRETS_FALLBACKS = "pipelinepulse.secrets.fallbacks";
    /** Counter, tags {@code type}, {@code outcome}: security events received by the audit trail. */
    public static final String AUDIT_EVENTS = "pipelinepulse.audit.events";
    /**
     * Counter, tags {@code type} (refresh, logout), {@code reason}: refreshes and logouts refused before any user was
     * known (no, a malformed or an unknown cookie; the CSRF check), every one of them.
     */
    public static final String ANONYMOUS_REFUSALS = "pipelinepulse.auth.anonymous_refusals";
    /** Counter, tag {@code type}: anonymous refusals not written as audit rows (one per address and reason a minute). */
    public static final String AUDIT_ROWS_THROTTLED = "pipelinepulse.audit.rows_throttled";
    /** Counter: security events that could not be stored in the audit trail. */
    public static final String AUDIT_WRITE_FAILURES = "pipelinepulse.audit.write_failures";
    /** Gauge, tag {@code check} (readiness, db, auth): 1 when that health check is UP, else 0. */
    public static final String HEALTH_STATUS = "pipelinepulse.health.status";

    /** Counter, tag {@code outcome}: Zoho access-token refreshes (success, invalid_code, rejected, throttled, ...). */
    public static final String ZOHO_TOKEN_REFRESHES = "pipelinepulse.zoho.token.refreshes";
    /** Timer, tag {@code outcome}: Zoho access-token refresh latency, retries included. */
    public static final String ZOHO_TOKEN_REFRESH_LATENCY = "pipelinepulse.zoho.token.refresh";
    /** Counter, tag {@code result} (hit, miss): access-token lookups served from memory or not. */
    public static final String ZOHO_TOKEN_CACHE_LOOKUPS = "pipelinepulse.zoho.token.cache.lookups";
    /** Counter, tag {@code source} (zoho, local): token requests throttled by Zoho or refused by the local limit. */
    public static final String ZOHO_THROTTLED = "pipelinepulse.zoho.throttled";

    /** Counter, tags {@code outcome} (succeeded, throttled, reauth_required, failed), {@code mode}: sync runs. */
    public static final String PIPELINE_SYNC_RUNS = "pipelinepulse.pipeline.sync.runs";
    /** Timer, tag {@code outcome}: sync run duration. */
    public static final String PIPELINE_SYNC_DURATION = "pipelinepulse.pipeline.sync.duration";
    /** Counter: deal records received from Zoho CRM by sync runs. */
    public static final String PIPELINE_SYNC_DEALS_FETCHED = "pipelinepulse.pipeline.sync.deals.fetched";
    /** Counter: Zoho CRM calls (API credits) made by sync runs. */
    public static final String PIPELINE_SYNC_ZOHO_CALLS = "pipelinepulse.pipeline.sync.zoho.calls";
    /** Gauge: Unix seconds of the last successful sync run on any instance (0 = never). */
    public static final String PIPELINE_SYNC_LAST_SUCCESS = "pipelinepulse.pipeline.sync.last_success";
    /** Gauge: the scheduled sync interval in seconds (0 = off). */
    public static final String PIPELINE_SYNC_INTERVAL = "pipelinepulse.pipeline.sync.interval";

    private MetricNames() {
    }
}
