package com.pipelinepulse.session;

import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;

/** Opens a session after a successful sign-in. */
public interface SessionOpener {

    /**
     * Creates a session for the user (joining the caller's transaction), and sets the refresh-token cookie
     * on the response. Returns the new session's id.
     */
    UUID open(UUID userId, String userAgent, String clientIp, HttpServletResponse response);
}
