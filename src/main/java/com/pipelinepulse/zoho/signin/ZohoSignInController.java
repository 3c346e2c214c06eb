package com.pipelinepulse.zoho.signin;

import com.pipelinepulse.observability.ClientAddress;
import com.pipelinepulse.zoho.signin.ZohoSignIn.Callback;
import com.pipelinepulse.zoho.signin.ZohoSignIn.Started;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/zoho/auth} and {@code GET /api/zoho/auth/callback}: the two browser legs of sign-in with Zoho.
 * Both answer 302 with {@code Cache-Control: no-store}.
 */
@RestController
@Tag(name = "Sign-in with Zoho", description = "Browser redirects, not XHR: see docs/authentication.md")
class ZohoSignInController {

    /** Cookie binding a sign-in's state to the browser that started it. */
    static final String STATE_COOKIE = "pp_zoho_signin";
    static final String STATE_COOKIE_PATH = "/api/zoho/auth";

    private final ZohoSignIn signIn;

    ZohoSignInController(ZohoSignIn signIn) {
        this.signIn = signIn;
    }

    @Operation(summary = "Start sign-in with Zoho",
            description = "Stores a one-time state (10 minutes) bound to this browser by the pp_zoho_signin cookie "
                    + "and redirects to Zoho's consent page with PKCE S256, access_type=offline and prompt=consent.")
    @ApiResponse(responseCode = "302", description = "To Zoho; sets the pp_zoho_signin cookie")
    @ApiResponse(responseCode = "400", description = "return_to is not a path inside the SPA (problem+json)")
    @ApiResponse(responseCode = "503", description = "The Zoho client is not configured (problem+json)")
    @GetMapping("/api/zoho/auth")
    ResponseEntity<Void> start(@Parameter(description = "Path inside the SPA to land on after sign-in, default /",
            example = "/pipeline") @RequestParam(name = "return_to", required = false) String returnTo) {
        Started started = signIn.start(returnTo);
        // SameSite=Lax (not Strict): the cookie must come back on Zoho's top-level redirect to the callback.
        ResponseCookie cookie = stateCookie(started.bindingSecret(), SignInStateStore.LIFETIME);
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(started.authorizationUrl())
                .header(HttpHeaders.SET_COOKIE, cookie.toString())
                .cacheControl(CacheControl.noStore())
                .build();
    }

    @Operation(summary = "Zoho's redirect back after consent",
            description = "Query parameters as Zoho sends them: code, state, location, accounts-server, or error. "
                    + "Never answers with an error status: the browser is always redirected to the SPA.")
    @ApiResponse(responseCode = "302", description = "To {spa}{return_to} with the refresh cookie, or to "
            + "{spa}/signin-error?reason=<code>")
    @GetMapping("/api/zoho/auth/callback")
    ResponseEntity<Void> callback(HttpServletRequest request, HttpServletResponse response) {
        Callback callback = new Callback(single(request, "code"), single(request, "state"),
                single(request, "location"), single(request, "accounts-server"), single(request, "error"),
                repeated(request, "code", "state", "location", "accounts-server", "error"));
        URI next = signIn.complete(callback, bindingSecret(request), request.getHeader(HttpHeaders.USER_AGENT),
                ClientAddress.of(request), response);
        // The state is spent either way: drop the cookie.
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(next)
                .header(HttpHeaders.SET_COOKIE, stateCookie("", Duration.ZERO).toString())
                .cacheControl(CacheControl.noStore())
                .build();
    }

    private static ResponseCookie stateCookie(String value, Duration maxAge) {
        return ResponseCookie.from(STATE_COOKIE, value)
                .httpOnly(true)
                .secure(true)
                .sameSite("Lax")
                .path(STATE_COOKIE_PATH)
                .maxAge(maxAge)
                .build();
    }

    private static String bindingSecret(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        String found = null;
        for (Cookie cookie : cookies) {
            if (STATE_COOKIE.equals(cookie.getName())) {
                if (found != null) {
                    // Two cookies of that name (one tossed in from elsewhere): trust neither.
                    return null;
                }
                found = cookie.getValue();
            }
        }
        return found == null || found.isEmpty() ? null : found;
    }

    private static String single(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static boolean repeated(HttpServletRequest request, String... names) {
        for (String name : names) {
            String[] values = request.getParameterValues(name);
            if (values != null && values.length > 1) {
                return true;
            }
        }
        return false;
    }
}
