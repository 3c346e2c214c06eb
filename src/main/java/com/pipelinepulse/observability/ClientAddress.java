package com.pipelinepulse.observability;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The client's IP address as this service believes it. A filter in the security module resolves it once
 * per request (honouring forwarded headers only from trusted proxies) and stores it here; code that runs
 * before that filter, or outside it, gets the socket address.
 */
public final class ClientAddress {

    public static final String ATTRIBUTE = ClientAddress.class.getName() + ".ip";

    /**
     * Servlet filter order of the filter that resolves the address: right after {@link RequestIdFilter}, before
     * Spring Security and before any filter that keys on the address (rate limits order themselves after it).
     */
    public static final int RESOLVER_FILTER_ORDER = org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10;

    private ClientAddress() {
    }

    public static String of(HttpServletRequest request) {
        Object resolved = request.getAttribute(ATTRIBUTE);
        return resolved instanceof String s ? s : request.getRemoteAddr();
    }
}
