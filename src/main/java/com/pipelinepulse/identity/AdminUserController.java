package com.pipelinepulse.identity;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Admins read users and change their role, region and status. */
@RestController
@RequestMapping("/api/admin/users")
@PreAuthorize("hasRole('ADMIN')")
@Tag(name = "Admin: users")
class AdminUserController {

    private final JdbcUserDirectory directory;
    private final IdentityProperties properties;

    AdminUserController(JdbcUserDirectory directory, IdentityProperties properties) {
        this.directory = directory;
        this.properties = properties;
    }

    @GetMapping
    @Operation(summary = "List every user")
    List<UserView> list() {
        return directory.list().stream().map(UserView::of).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One user")
    UserView get(@PathVariable UUID id) {
        return directory.findRecord(id).map(UserView::of).orElseThrow(AdminUserController::notFound);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change a user's role, region and/or status",
            description = "role: admin, manager or viewer; region: one of the configured regions; status: active or "
                    + "disabled. Invalid input is a 400 validation-failed problem and changes nothing. Lowering the "
                    + "role or disabling the user ends every session of theirs in the same transaction (their "
                    + "access tokens stop working within seconds). A change that would leave no active admin is a "
                    + "409 last-admin problem and changes nothing.")
    UserView patch(@PathVariable UUID id, @RequestBody UserPatch patch, Authentication authentication) {
        List<Map<String, String>> errors = new ArrayList<>();
        Role role = null;
        String region = null;
        Boolean active = null;
        if (patch.role() == null && patch.region() == null && patch.status() == null) {
            errors.add(Map.of("field", "role", "message", "give role, region and/or status"));
        }
        if (patch.role() != null) {
            role = parseRole(patch.role());
            if (role == null) {
                errors.add(Map.of("field", "role", "message", "must be one of admin, manager, viewer"));
            }
        }
        if (patch.region() != null) {
            Set<String> known = properties.regions().knownRegions();
            String candidate = patch.region().trim().toUpperCase(Locale.ROOT);
            if (known.contains(candidate)) {
                region = candidate;
            } else {
                errors.add(Map.of("field", "region", "message", "must be one of " + String.join(", ", known)));
            }
        }
        if (patch.status() != null) {
            active = parseStatus(patch.status());
            if (active == null) {
                errors.add(Map.of("field", "status", "message", "must be one of active, disabled"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiProblemException(ProblemType.VALIDATION_FAILED, "One or more fields are invalid.",
                    Map.of("errors", errors), new HttpHeaders());
        }
        UUID actor = actorId(authentication);
        try {
            return directory.update(id, role, region, active, actor).map(UserView::of)
                    .orElseThrow(AdminUserController::notFound);
        } catch (JdbcUserDirectory.LastAdminException e) {
            throw new ApiProblemException(ProblemType.LAST_ADMIN,
                    "This change would leave no active admin; promote another admin first.");
        }
    }

    private static Boolean parseStatus(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "active" -> Boolean.TRUE;
            case "disabled" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static Role parseRole(String raw) {
        for (Role r : Role.values()) {
            if (r.id().equals(raw.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        return null;
    }

    // The access-token principal names the user id (see the session module's AccessTokenClaims).
    private static UUID actorId(Authentication authentication) {
        try {
            return UUID.fromString(authentication.getName());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ApiProblemException notFound() {
        return new ApiProblemException(ProblemType.NOT_FOUND, "No such user.");
    }

    /** The fields an admin may change; absent (null) fields stay as they are. */
    record UserPatch(String role, String region, String status) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record UserView(UUID id, String zohoUserId, String email, String name, String role, String region,
            String status, OffsetDateTime createdAt, OffsetDateTime lastSignInAt) {

        static UserView of(JdbcUserDirectory.UserRecord r) {
            UserAccount a = r.account();
            return new UserView(a.id(), a.zohoUserId(), a.email(), a.displayName(), a.role().id(), a.region(),
                    a.active() ? "ACTIVE" : "DISABLED", r.createdAt(), r.lastSignInAt());
        }
    }
}
