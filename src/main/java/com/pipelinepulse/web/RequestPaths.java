package com.pipelinepulse.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.util.UrlPathHelper;

/**
 * The path a request is routed by, for every filter that selects requests by path (CSRF check of the cookie
 * endpoints, rate limits). Never the raw {@code getRequestURI()}: {@code /api/auth/%72efresh},
 * {@code /api/auth/refresh;jsessionid=x} and {@code /api//auth/refresh} are routed like {@code /api/auth/refresh}
 * (or refused later by the firewall), so a check that compared the raw text would let them past.
 */
public final class RequestPaths {

    private RequestPaths() {
    }

    /**
     * The path within the application: percent-decoded, path parameters ({@code ;name=value}) removed, repeated
     * slashes merged (the container also resolves dot segments), and without a trailing slash (so
     * {@code /api/auth/refresh/} counts as {@code /api/auth/refresh}: a check then errs on the side of applying).
     * The servlet path and path info are that, decoded and normalised by the container; where they are empty (a
     * servlet mapped to {@code /*}, a mock request) Spring's {@link UrlPathHelper} decodes the URI the same way.
     */
    public static String of(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        if (path.isEmpty()) {
            path = UrlPathHelper.defaultInstance.getPathWithinApplication(request);
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
