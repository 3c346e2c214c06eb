package com.pipelinepulse.web;

import com.pipelinepulse.observability.RequestIdFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import org.springframework.http.ProblemDetail;

/** Builds every problem body this API sends, so that all of them carry the same members. */
public final class Problems {

    public static final String REQUEST_ID_PROPERTY = "request_id";
    /** Request attribute holding the slug of the problem answered, for filters that look at the outcome. */
    public static final String SLUG_ATTRIBUTE = Problems.class.getName() + ".slug";

    private Problems() {
    }

    public static ProblemDetail of(ProblemType type, String detail, HttpServletRequest request) {
        return of(type.slug(), type.title(), type.status().value(), detail, Map.of(), request);
    }

    public static ProblemDetail of(String slug, String title, int status, String detail, Map<String, Object> properties,
            HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create(ProblemType.URN_PREFIX + slug));
        problem.setTitle(title);
        problem.setDetail(detail);
        problem.setInstance(instanceOf(request));
        properties.forEach(problem::setProperty);
        if (request != null) {
            request.setAttribute(SLUG_ATTRIBUTE, slug);
        }
        String requestId = request == null ? null : RequestIdFilter.of(request);
        if (requestId != null) {
            problem.setProperty(REQUEST_ID_PROPERTY, requestId);
        }
        return problem;
    }

    private static URI instanceOf(HttpServletRequest request) {
        if (request == null) {
            return null;
        }
        Object forwardedUri = request.getAttribute("jakarta.servlet.error.request_uri");
        String path = forwardedUri instanceof String s ? s : request.getRequestURI();
        try {
            // Only the path: a query string may carry codes or state that must not be echoed.
            return URI.create(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
