package com.pipelinepulse.zoho;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user's link to Zoho as stored, without its tokens (those never leave the zoho module in clear).
 *
 * @param id                   the connection id; also the associated data of its encrypted tokens
 * @param dataCenter           the user's data centre (location and accounts server)
 * @param apiDomain            where every CRM call for this user goes
 * @param scopes               as granted
 * @param accessTokenExpiresAt when the stored access token expires (null when none is stored)
 * @param lastRefreshOutcome   outcome of the last token refresh ({@code success} or Zoho's error), null before any
 */
public record ZohoConnection(UUID id, UUID userId, String zohoUserId, ZohoDataCenter dataCenter, URI apiDomain,
        List<String> scopes, Instant accessTokenExpiresAt, ZohoConnectionStatus status, String lastRefreshOutcome,
        Instant lastRefreshAt, Instant createdAt, Instant updatedAt) {
}
