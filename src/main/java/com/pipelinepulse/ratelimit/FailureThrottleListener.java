package com.pipelinepulse.ratelimit;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.observability.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Feeds failure throttling from the sign-in and refresh outcomes that the zoho and session modules publish on the
 * request thread. Events published outside a request (none today) have no address and are ignored.
 */
final class FailureThrottleListener {

    private static final Logger log = LoggerFactory.getLogger(FailureThrottleListener.class);

    /**
     * Failures that show no guessing and happen to honest browsers every day: an SPA probing refresh without a
     * cookie, a session that simply ended, a declined consent, a request that failed the CSRF check before any
     * token was looked at. Counting them would let one busy office behind a NAT address lock itself out.
     */
    private static final Set<String> NOT_GUESSING = Set.of("missing_token", "session_expired", "session_revoked",
            "user_inactive", "access_denied", "missing_csrf_header", "origin_not_allowed");

    private final FailureThrottle throttle;
    private final ApplicationEventPublisher events;

    FailureThrottleListener(FailureThrottle throttle, ApplicationEventPublisher events) {
        this.throttle = throttle;
        this.events = events;
    }

    @EventListener
    void on(SecurityEvent event) {
        if (!SecurityEvent.Types.SIGN_IN.equals(event.type()) && !SecurityEvent.Types.REFRESH.equals(event.type())) {
            return;
        }
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return;
        }
        HttpServletRequest request = servlet.getRequest();
        String caller = ClientKeys.forAddress(ClientAddress.of(request));
        try {
            record(event, caller, Boolean.TRUE.equals(request.getAttribute(FailureThrottle.NOTHING_ON_RECORD)));
        } catch (RuntimeException e) {
            // Counting is best effort: a sign-in must not fail because its outcome could not be counted. The waits
            // already in force still apply (they are checked, and fail closed, before every request).
            log.warn("Could not record a {} outcome for failure throttling", event.type(), e);
        }
    }

    private void record(SecurityEvent event, String caller, boolean nothingOnRecord) {
        if (event.failed() && NOT_GUESSING.contains(String.valueOf(event.details().get("reason")))) {
            return;
        }
        if (event.failed()) {
            throttle.recordFailure(caller).ifPresent(lockout -> {
                log.warn("Failure throttling: {} consecutive failed sign-ins or refreshes from {}, waiting {}",
                        lockout.failures(), caller, lockout.duration());
                events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.LOCKOUT, null, caller,
                        Map.of("consecutive_failures", lockout.failures(), "wait_seconds", lockout.duration().toSeconds(),
                                "trigger", event.type())));
            });
        } else if ("success".equals(event.outcome()) && !nothingOnRecord) {
            throttle.recordSuccess(caller);
        }
    }
}
