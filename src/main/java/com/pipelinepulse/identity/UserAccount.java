package com.pipelinepulse.identity;

import java.util.UUID;

/** A person known to Pipeline Pulse. */
public record UserAccount(UUID id, String zohoUserId, String email, String displayName, String region, Role role,
        boolean active) {
}
