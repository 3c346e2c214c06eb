package com.pipelinepulse.zoho.accounts;

import org.springframework.modulith.NamedInterface;

/**
 * A call to a Zoho accounts server (or the CRM) did not succeed. {@link #kind()} says what to do about it;
 * {@link #zohoError()} is Zoho's own error code when it gave one (for example {@code invalid_code},
 * {@code invalid_client}, {@code INVALID_OAUTHTOKEN}). Messages never contain a token, code or secret.
 *
 * <p>Exposed to other modules (named interface {@code failures}) because {@code ZohoCrmClient.fetch} throws it
 * (kind {@code UNAVAILABLE}) for the caller's retry to see; nothing else of this package is.
 */
@NamedInterface("failures")
public class ZohoAccountsException extends RuntimeException {

    /** What kind of failure, which decides whether a retry can help. */
    public enum Kind {
        /**
         * Zoho answered and refused (often with HTTP 200 and an {@code error} body): a bad or reused code, a
         * revoked refresh token, a wrong client. Never retry.
         */
        REJECTED,
        /** Zoho says too many requests. Never retry right away: retrying extends the block. */
        THROTTLED,
        /** No usable answer: connection failure, timeout, 5xx, or a body that is not what Zoho sends. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String zohoError;

    public ZohoAccountsException(Kind kind, String zohoError, String message) {
        super(message);
        this.kind = kind;
        this.zohoError = zohoError;
    }

    public ZohoAccountsException(Kind kind, String zohoError, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.zohoError = zohoError;
    }

    public Kind kind() {
        return kind;
    }

    /** Zoho's error code, or null when the failure carried none. */
    public String zohoError() {
        return zohoError;
    }

    /** Only {@link Kind#UNAVAILABLE} failures may be retried (with backoff). */
    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
