/**
 * Sessions, opaque rotating refresh tokens with reuse detection, and JWT access tokens signed with a
 * {@code kid}-versioned key ring.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Session")
package com.pipelinepulse.session;
