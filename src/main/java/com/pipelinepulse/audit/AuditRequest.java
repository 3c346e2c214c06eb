package com.pipelinepulse.audit;

import com.pipelinepulse.observability.ClientAddress;
import com.pipelinepulse.observability.RequestIdFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The columns of an audit row that come from the current request, cut to their column sizes: what the audit module
 * adds to every {@link SecurityEvent}, and what a publisher that writes its audit row in its own statement (a
 * refresh: {@code refresh_session}, V50) passes along, so that both rows look the same. All null outside a request.
 */
public record AuditRequest(String clientIp, String userAgent, String requestId) {

    static final int CLIENT_IP_MAX = 64;
    static final int USER_AGENT_MAX = 256;

    private static final AuditRequest NONE = new AuditRequest(null, null, null);

    /** The facts of the request being served on this thread. */
    public static AuditRequest current() {
        HttpServletRequest request = currentRequest();
        if (request == null) {
            return NONE;
        }
        return new AuditRequest(truncate(ClientAddress.of(request), CLIENT_IP_MAX),
                truncate(request.getHeader(HttpHeaders.USER_AGENT), USER_AGENT_MAX), RequestIdFilter.of(request));
    }

    static HttpServletRequest currentRequest() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest() : null;
    }

    static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
