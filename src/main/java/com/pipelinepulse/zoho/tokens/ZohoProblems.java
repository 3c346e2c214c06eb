package com.pipelinepulse.zoho.tokens;

import com.pipelinepulse.web.ApiProblemException;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * The problems the zoho module answers with. Slugs are a contract with the SPA (docs/zoho-integration.md): never
 * rename one.
 */
public final class ZohoProblems {

    static final String REAUTH_REQUIRED = "zoho-reauth-required";
    static final String NOT_CONNECTED = "zoho-not-connected";
    static final String UNAVAILABLE = "zoho-unavailable";
    static final String REFRESH_LIMITED = "zoho-refresh-limited";
    static final String REFUSED = "zoho-refused";

    /** Where the SPA sends the person to sign in with Zoho again. */
    public static final String SIGN_IN_URL = "/api/zoho/auth";

    private ZohoProblems() {
    }

    public static ApiProblemException reauthRequired() {
        return new ApiProblemException(REAUTH_REQUIRED, "Zoho sign-in required", 409,
                "Zoho no longer accepts this connection's tokens. Sign in with Zoho again.",
                Map.of("sign_in_url", SIGN_IN_URL), new HttpHeaders());
    }

    public static ApiProblemException notConnected() {
        return new ApiProblemException(NOT_CONNECTED, "No Zoho connection", 404,
                "This user has no Zoho connection. Sign in with Zoho first.", Map.of("sign_in_url", SIGN_IN_URL),
                new HttpHeaders());
    }

    public static ApiProblemException revoked() {
        return new ApiProblemException(REAUTH_REQUIRED, "Zoho sign-in required", 409,
                "This Zoho connection was revoked. Sign in with Zoho again.", Map.of("sign_in_url", SIGN_IN_URL),
                new HttpHeaders());
    }

    /** Zoho did not answer usefully (I/O, timeout, 5xx, open circuit, throttled): try again later. */
    public static ApiProblemException unavailable(String detail, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        if (retryAfter != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        return new ApiProblemException(UNAVAILABLE, "Zoho unavailable", 503, detail, Map.of(), headers);
    }

    /** This service's own limit of token requests per connection (Zoho blocks beyond 10 in 10 minutes). */
    public static ApiProblemException refreshLimited(Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return new ApiProblemException(REFRESH_LIMITED, "Too many Zoho token refreshes", 429,
                "This connection asked Zoho for too many access tokens recently; Zoho would block it. Try again "
                        + "after " + seconds + " seconds.", Map.of("retry_after_seconds", seconds), headers);
    }

    /** Zoho refused a request for a reason the person cannot fix by signing in again (e.g. our client id). */
    public static ApiProblemException refused() {
        // Zoho's own error code (e.g. invalid_client) says how our client is configured: it goes to the log and
        // the audit trail, not to the caller.
        return new ApiProblemException(REFUSED, "Zoho refused the request", 502,
                "Zoho refused the request. Quote the request id when reporting it.", Map.of(), new HttpHeaders());
    }
}
