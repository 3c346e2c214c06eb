package com.pipelinepulse.session;

import java.time.Duration;
import org.springframework.http.ResponseCookie;

/**
 * The refresh-token cookie: {@code HttpOnly; Secure; SameSite=Strict; Path=/api/auth}. The {@code __Secure-}
 * prefix makes browsers refuse it over plain http; {@code __Host-} is not possible with a path.
 */
final class RefreshCookie {

    static final String NAME = "__Secure-pp_refresh";
    static final String PATH = "/api/auth";

    private RefreshCookie() {
    }

    static String set(String token, Duration maxAge) {
        return base(token).maxAge(maxAge).build().toString();
    }

    static String clear() {
        return base("").maxAge(Duration.ZERO).build().toString();
    }

    private static ResponseCookie.ResponseCookieBuilder base(String value) {
        return ResponseCookie.from(NAME, value).httpOnly(true).secure(true).sameSite("Strict").path(PATH);
    }
}
