package com.pipelinepulse.zoho.signin;

import java.util.Locale;

/**
 * Why a Zoho sign-in failed, as the SPA sees it: {@code {spa}/signin-error?reason=<code>}. The codes are a
 * contract with the SPA (docs/authentication.md lists them): never rename one. The audit record carries the
 * finer detail; the code stays coarse enough to tell an attacker nothing useful.
 */
enum SignInError {
    /** The state is missing, unknown, or was already used. */
    INVALID_STATE,
    /** The state was issued more than 10 minutes ago. */
    STATE_EXPIRED,
    /** The state was issued to another browser (binding cookie missing or different). */
    FOREIGN_BROWSER,
    /** The person declined access on Zoho's consent page. */
    ACCESS_DENIED,
    /** Zoho redirected back with an error other than access_denied. */
    AUTHORIZATION_FAILED,
    /** The callback lacks the code or repeats a parameter. */
    INVALID_CALLBACK,
    /** The callback's location and accounts-server are not a known data-centre pair. */
    UNKNOWN_DATA_CENTER,
    /** Zoho refused the code (reused, expired, wrong client or redirect URI). */
    CODE_EXCHANGE_FAILED,
    /** Zoho did not answer in time, failed, or throttled us. */
    ZOHO_UNAVAILABLE,
    /** Zoho's user info or CRM current user could not be read or disagree. */
    PROFILE_UNAVAILABLE,
    /** Zoho granted no offline access (no refresh token) and none is stored for this person. */
    NO_REFRESH_TOKEN,
    /** The person's Pipeline Pulse account is disabled. */
    ACCOUNT_DISABLED,
    /**
     * The person's Zoho CRM organisation ({@code PP_ZOHO_ALLOWED_ORGS}) or email domain
     * ({@code PP_ALLOWED_EMAIL_DOMAINS}) is not one this installation admits; the audit detail says which.
     */
    NOT_ALLOWED,
    /** Anything unexpected on our side. */
    SERVER_ERROR;

    String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
