package com.pipelinepulse.zoho;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.pipelinepulse.session.AccessTokenClaims;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient.CrmCurrentUser;
import com.pipelinepulse.zoho.tokens.ZohoProblems;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in person's own Zoho connection: {@code GET /api/zoho/connection}, {@code POST
 * /api/zoho/connection/test}, {@code POST /api/zoho/refresh}. Any role. The POSTs authenticate by the bearer access
 * token only (no cookie is involved), so a cross-site request cannot make them: no CSRF token is needed. Tokens are
 * never part of an answer.
 */
@RestController
@Tag(name = "Zoho connection", description = "The signed-in person's Zoho link: status, test, forced refresh")
class ZohoConnectionController {

    private final ZohoConnections connections;
    private final ZohoTokenManager tokens;
    private final ZohoCrmClient crm;

    ZohoConnectionController(ZohoConnections connections, ZohoTokenManager tokens, ZohoCrmClient crm) {
        this.connections = connections;
        this.tokens = tokens;
        this.crm = crm;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConnectionView(String status, String dataCenter, URI apiDomain, List<String> scopes,
            Instant accessTokenExpiresAt, String lastRefreshOutcome, Instant lastRefreshAt, String signInUrl) {

        static ConnectionView of(ZohoConnection connection) {
            return new ConnectionView(connection.status().name(), connection.dataCenter().location(),
                    connection.apiDomain(), connection.scopes(), connection.accessTokenExpiresAt(),
                    connection.lastRefreshOutcome(), connection.lastRefreshAt(),
                    connection.status() == ZohoConnectionStatus.CONNECTED ? null : ZohoProblems.SIGN_IN_URL);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ZohoUserSummary(String crmUserId, String zuid, String email, String fullName) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TestResult(boolean ok, ZohoUserSummary zohoUser) {
    }

    @GetMapping("/api/zoho/connection")
    @Operation(summary = "My Zoho connection", security = @SecurityRequirement(name = "bearer"),
            description = "Status (CONNECTED, REAUTH_REQUIRED, REVOKED), data centre, api_domain, scopes, access "
                    + "token expiry, last refresh outcome and time. sign_in_url when the person must sign in again.")
    @ApiResponse(responseCode = "200", description = "The connection")
    @ApiResponse(responseCode = "401", description = "No or invalid access token (problem+json)")
    @ApiResponse(responseCode = "404", description = "zoho-not-connected: this user has no Zoho connection")
    ConnectionView connection(@AuthenticationPrincipal AccessTokenClaims principal) {
        return ConnectionView.of(connections.findByUser(principal.userId()).orElseThrow(ZohoProblems::notConnected));
    }

    @PostMapping("/api/zoho/connection/test")
    @Operation(summary = "Test my Zoho connection", security = @SecurityRequirement(name = "bearer"),
            description = "Reads the CRM's current user (GET {api_domain}/crm/v8/users?type=CurrentUser) with a "
                    + "10 s budget, refreshing the access token first when needed. Bearer token only: no CSRF "
                    + "concern.")
    @ApiResponse(responseCode = "200", description = "ok and the Zoho user this connection acts as")
    @ApiResponse(responseCode = "401", description = "No or invalid access token (problem+json)")
    @ApiResponse(responseCode = "404", description = "zoho-not-connected")
    @ApiResponse(responseCode = "409", description = "zoho-reauth-required: sign in with Zoho again (sign_in_url)")
    @ApiResponse(responseCode = "429", description = "too-many-requests (per-user rate limit) or zoho-refresh-limited "
            + "(the token manager's limit of Zoho token requests), with Retry-After")
    @ApiResponse(responseCode = "502", description = "zoho-refused: Zoho refused the call")
    @ApiResponse(responseCode = "503", description = "zoho-unavailable (timeout, outage, throttled), with Retry-After")
    TestResult test(@AuthenticationPrincipal AccessTokenClaims principal) {
        CrmCurrentUser user = crm.currentUser(principal.userId());
        return new TestResult(true, new ZohoUserSummary(user.crmUserId(), user.zuid(), user.email(), user.fullName()));
    }

    @PostMapping("/api/zoho/refresh")
    @Operation(summary = "Get a new Zoho access token now", security = @SecurityRequirement(name = "bearer"),
            description = "Forced refresh at Zoho, within the local limit of 10 token requests per connection in "
                    + "10 minutes (the 11th is refused here with 429 and Retry-After, without calling Zoho). Answers "
                    + "the connection as GET /api/zoho/connection does; never the token. Bearer token only: no CSRF "
                    + "concern.")
    @ApiResponse(responseCode = "200", description = "Refreshed; the connection")
    @ApiResponse(responseCode = "401", description = "No or invalid access token (problem+json)")
    @ApiResponse(responseCode = "404", description = "zoho-not-connected")
    @ApiResponse(responseCode = "409", description = "zoho-reauth-required: sign in with Zoho again (sign_in_url)")
    @ApiResponse(responseCode = "429", description = "too-many-requests (per-user rate limit) or zoho-refresh-limited "
            + "(the token manager's limit of Zoho token requests), with Retry-After")
    @ApiResponse(responseCode = "502", description = "zoho-refused: Zoho refused the refresh (client settings)")
    @ApiResponse(responseCode = "503", description = "zoho-unavailable (timeout, outage, throttled), with Retry-After")
    ConnectionView refresh(@AuthenticationPrincipal AccessTokenClaims principal) {
        ZohoConnection connection = connections.findByUser(principal.userId())
                .orElseThrow(ZohoProblems::notConnected);
        tokens.forceRefresh(connection.id());
        return ConnectionView.of(connections.find(connection.id()).orElseThrow(ZohoProblems::notConnected));
    }
}
