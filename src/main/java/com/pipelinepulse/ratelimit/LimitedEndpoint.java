package com.pipelinepulse.ratelimit;

import com.pipelinepulse.web.RequestPaths;
import jakarta.servlet.http.HttpServletRequest;

/** The endpoints that have a bucket, and what the bucket is keyed by. */
enum LimitedEndpoint {
    /** Sign-in start and Zoho's redirect back share one bucket per client address. */
    SIGN_IN("sign-in", true),
    AUTH_REFRESH("auth-refresh", true),
    ZOHO_REFRESH("zoho-refresh", false),
    ZOHO_CONNECTION_TEST("zoho-connection-test", false),
    ADMIN_WRITES("admin-writes", false);

    private final String slug;
    private final boolean perClientAddress;

    LimitedEndpoint(String slug, boolean perClientAddress) {
        this.slug = slug;
        this.perClientAddress = perClientAddress;
    }

    /** The metric tag and the configuration key. */
    String slug() {
        return slug;
    }

    boolean perClientAddress() {
        return perClientAddress;
    }

    /** Per-address endpoints are also the ones that failure throttling closes. */
    boolean failureThrottled() {
        return perClientAddress;
    }

    /**
     * Matches on the routed path ({@link RequestPaths}: decoded and normalised, so {@code /api/./zoho/auth},
     * {@code /api/zoho/%61uth} or {@code ;jsessionid=} tricks resolve to what routing sees), any method except
     * where noted.
     */
    static LimitedEndpoint match(HttpServletRequest request) {
        String path = RequestPaths.of(request);
        return switch (path) {
            case "/api/zoho/auth", "/api/zoho/auth/callback" -> SIGN_IN;
            case "/api/auth/refresh" -> AUTH_REFRESH;
            case "/api/zoho/refresh" -> ZOHO_REFRESH;
            case "/api/zoho/connection/test" -> ZOHO_CONNECTION_TEST;
            default -> (path.equals("/api/admin") || path.startsWith("/api/admin/")) && isWrite(request.getMethod())
                    ? ADMIN_WRITES : null;
        };
    }

    private static boolean isWrite(String method) {
        return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
    }
}
