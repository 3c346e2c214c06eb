package com.pipelinepulse.session;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a verified access token says: the signed-in user and the session it belongs to. Used as the
 * authenticated principal; {@link #getName()} is the user id.
 *
 * @param roles role ids ({@code admin}, {@code manager}, {@code viewer})
 */
public record AccessTokenClaims(UUID userId, String email, String name, String region, List<String> roles,
        UUID sessionId, String tokenId, Instant issuedAt, Instant expiresAt) implements Principal {

    public AccessTokenClaims {
        roles = List.copyOf(roles);
    }

    @Override
    public String getName() {
        return userId.toString();
    }
}
