package com.pipelinepulse.session;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The SPA's session endpoints (docs/authentication.md). */
@RestController
@RequestMapping("/api/auth")
@Tag(name = "Session")
class AuthController {

    /** Documented for OpenAPI: the header the cookie endpoints require (checked by the security module). */
    private static final String CSRF_HEADER_DOC = "X-Requested-With";

    private final RefreshTokenRotation rotation;
    private final JwtAccessTokens tokens;

    AuthController(RefreshTokenRotation rotation, JwtAccessTokens tokens) {
        this.rotation = rotation;
        this.tokens = tokens;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TokenResponse(String accessToken, String tokenType, long expiresIn) {
        /** Never the access token (Jackson serialises the fields, not this). */
        @Override
        public String toString() {
            return "TokenResponse[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
        }
    }

    @PostMapping("/refresh")
    @Operation(summary = "Rotate the refresh cookie and get a new access token",
            description = "Needs the refresh cookie, the X-Requested-With: pipeline-pulse header and an allowed "
                    + "Origin. Sets a new refresh cookie. 401 (and the cookie cleared) when the session is over.",
            parameters = {
                    @Parameter(name = CSRF_HEADER_DOC, in = ParameterIn.HEADER, required = true,
                            example = "pipeline-pulse"),
                    @Parameter(name = RefreshCookie.NAME, in = ParameterIn.COOKIE, required = true)})
    ResponseEntity<TokenResponse> refresh(
            @CookieValue(name = RefreshCookie.NAME, required = false) @Parameter(hidden = true) String cookie) {
        RefreshTokenRotation.Outcome outcome = rotation.refresh(cookie);
        if (!outcome.succeeded()) {
            HttpHeaders headers = new HttpHeaders();
            headers.add(HttpHeaders.SET_COOKIE, RefreshCookie.clear());
            throw new ApiProblemException(ProblemType.UNAUTHENTICATED,
                    "The session has ended or the refresh cookie is not valid; sign in again.", Map.of(), headers);
        }
        JwtAccessTokens.IssuedToken issued = tokens.issue(outcome.user(), outcome.sessionId());
        return ResponseEntity.ok()
                .header(HttpHeaders.SET_COOKIE, RefreshCookie.set(outcome.newToken(), outcome.cookieMaxAge()))
                .body(new TokenResponse(issued.value(), "Bearer", issued.expiresInSeconds()));
    }

    @PostMapping("/logout")
    @Operation(summary = "End this session everywhere and clear the refresh cookie",
            description = "Needs the refresh cookie (an already rotated one still names its session), the "
                    + "X-Requested-With: pipeline-pulse header and an allowed Origin. 401 without a cookie.",
            parameters = {
                    @Parameter(name = CSRF_HEADER_DOC, in = ParameterIn.HEADER, required = true,
                            example = "pipeline-pulse"),
                    @Parameter(name = RefreshCookie.NAME, in = ParameterIn.COOKIE, required = true)})
    ResponseEntity<Void> logout(
            @CookieValue(name = RefreshCookie.NAME, required = false) @Parameter(hidden = true) String cookie) {
        if (cookie == null || cookie.isEmpty()) {
            throw new ApiProblemException(ProblemType.UNAUTHENTICATED, "No session cookie was sent.");
        }
        rotation.logout(cookie);
        // Idempotent: an unknown or already ended session is logged out as well.
        return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, RefreshCookie.clear()).build();
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Me(UUID userId, String email, String name, String region, List<String> roles, UUID sessionId) {
    }

    /**
     * Answered from the verified access token, with no database read: it shows exactly what every endpoint will
     * authorise with this token (roles included) until it expires. A changed name, region or role shows after
     * the next refresh, which reads the user again; an ended session or a disabled user gets 401 there.
     */
    @GetMapping("/me")
    @Operation(summary = "Who is signed in",
            description = "What the access token says: the API authorises with exactly this until the token "
                    + "expires. A change of role or name shows after the next refresh.",
            security = @SecurityRequirement(name = "bearer"))
    Me me(@AuthenticationPrincipal AccessTokenClaims principal) {
        return new Me(principal.userId(), principal.email(), principal.name(), principal.region(),
                principal.roles(), principal.sessionId());
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SessionView(UUID id, Instant createdAt, Instant lastUsedAt, Instant idleExpiresAt,
            Instant absoluteExpiresAt, String userAgent, String clientIp, boolean current) {
    }

    @GetMapping("/sessions")
    @Operation(summary = "My live sessions, newest first", security = @SecurityRequirement(name = "bearer"))
    List<SessionView> sessions(@AuthenticationPrincipal AccessTokenClaims principal) {
        return rotation.liveSessions(principal.userId()).stream()
                .map(s -> new SessionView(s.id(), s.createdAt(), s.lastUsedAt(), s.idleExpiresAt(),
                        s.absoluteExpiresAt(), s.userAgent(), s.clientIp(), s.id().equals(principal.sessionId())))
                .toList();
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Ended(int endedSessions) {
    }

    @DeleteMapping("/sessions")
    @Operation(summary = "End every other session of mine, keep this one",
            description = "Ends every live session of the signed-in user except the one the access token belongs "
                    + "to (\"sign out everywhere else\"): their refresh cookies and access tokens stop working "
                    + "within seconds on every instance. Answers how many sessions were ended (0 when none).",
            security = @SecurityRequirement(name = "bearer"))
    Ended endOtherSessions(@AuthenticationPrincipal AccessTokenClaims principal) {
        return new Ended(rotation.endOtherSessions(principal.userId(), principal.sessionId()));
    }

    @DeleteMapping("/sessions/{id}")
    @Operation(summary = "End one of my sessions", description = "404 when the session is not mine or already ended.",
            security = @SecurityRequirement(name = "bearer"))
    ResponseEntity<Void> endSession(@AuthenticationPrincipal AccessTokenClaims principal, @PathVariable UUID id) {
        if (!rotation.endOwnSession(principal.userId(), id)) {
            throw new ApiProblemException(ProblemType.NOT_FOUND, "No such session.");
        }
        return ResponseEntity.noContent().build();
    }
}
