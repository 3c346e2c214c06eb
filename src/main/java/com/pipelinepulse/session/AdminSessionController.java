package com.pipelinepulse.session;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Admins end every session of a user (for example a lost laptop), or of everyone but themselves (an incident). */
@RestController
@PreAuthorize("hasRole('ADMIN')")
@Tag(name = "Admin: users")
class AdminSessionController {

    private final RefreshTokenRotation rotation;
    private final UserDirectory users;

    AdminSessionController(RefreshTokenRotation rotation, UserDirectory users) {
        this.rotation = rotation;
        this.users = users;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Revoked(int revokedSessions) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Ended(int endedSessions) {
    }

    @DeleteMapping("/api/admin/sessions")
    @Operation(summary = "End every session of every user except this one (incident response)",
            description = "Every live session but the asking admin's own ends at once; their access tokens fail within "
                    + "seconds on every instance and their refresh cookies at once. Audited as all_sessions_revoked.",
            security = @SecurityRequirement(name = "bearer"))
    Ended endEverySession(@AuthenticationPrincipal AccessTokenClaims admin) {
        return new Ended(rotation.endEverySession(admin.userId(), admin.sessionId()));
    }

    @DeleteMapping("/api/admin/users/{id}/sessions")
    @Operation(summary = "End every session of a user", security = @SecurityRequirement(name = "bearer"))
    Revoked endAll(@PathVariable UUID id, @AuthenticationPrincipal AccessTokenClaims admin) {
        if (users.find(id).isEmpty()) {
            throw new ApiProblemException(ProblemType.NOT_FOUND, "No such user.");
        }
        return new Revoked(rotation.endAllSessions(id, admin.userId()));
    }
}
