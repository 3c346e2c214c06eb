package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.web.ProblemType;
import com.pipelinepulse.zoho.ZohoConnection;
import com.pipelinepulse.zoho.ZohoConnectionStatus;
import com.pipelinepulse.zoho.ZohoConnections;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admins choose the sync account, start runs and watch them (PIPELINE.md, docs/pipeline.md). */
@RestController
@RequestMapping("/api/admin/pipeline")
@PreAuthorize("hasRole('ADMIN')")
@Tag(name = "Admin: pipeline sync")
class AdminPipelineSyncController {

    private final PipelineSync sync;
    private final SyncState state;
    private final SyncRunLog runs;
    private final UserDirectory users;
    private final ZohoConnections connections;
    private final PipelineSyncProperties properties;
    private final ApplicationEventPublisher events;

    AdminPipelineSyncController(PipelineSync sync, SyncState state, SyncRunLog runs, UserDirectory users,
            ZohoConnections connections, PipelineSyncProperties properties, ApplicationEventPublisher events) {
        this.events = events;
        this.sync = sync;
        this.state = state;
        this.runs = runs;
        this.users = users;
        this.connections = connections;
        this.properties = properties;
    }

    @GetMapping("/sync")
    @Operation(summary = "Sync status",
            description = "The sync account and its Zoho link (sync_account_missing: true while none is chosen: "
                    + "no run starts, manual or scheduled), the cursors, the next scheduled run, and the last 20 "
                    + "runs (newest first) with their outcome and counters.")
    SyncStatusView status() {
        SyncState.Snapshot snapshot = state.read();
        List<RunView> recent = runs.recent(20).stream().map(RunView::of).toList();
        return new SyncStatusView(snapshot.syncUserId() == null ? null : account(snapshot.syncUserId()),
                snapshot.syncUserId() == null, recent.stream().anyMatch(r -> SyncOutcome.RUNNING.id().equals(r.outcome())),
                new CursorView(snapshot.modifiedCursor(), snapshot.deletedCursor(),
                        snapshot.fullPassId() == null ? null : new FullPassView(snapshot.fullPassId(),
                                snapshot.fullPassCursor())), snapshot.lastFullSyncAt(),
                properties.scheduled() ? properties.syncInterval().toSeconds() : 0,
                sync.nextScheduledRun().orElse(null), properties.reportingCurrency(), recent);
    }

    @PostMapping("/sync")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Start a sync run",
            description = "mode: incremental (default; what changed since the cursor) or full (every deal; deals "
                    + "Zoho no longer lists are marked deleted). Answers 202 with the run id as soon as the run is "
                    + "recorded. A sync account must have been chosen (PUT /api/admin/pipeline/sync-account); the "
                    + "calling admin never becomes it implicitly. 409 sync-running while a run is going on any instance, sync-account-missing "
                    + "without a sync account, sync-throttled (with Retry-After) while Zoho's throttle lasts.",
            responses = {
                @ApiResponse(responseCode = "202", description = "run started"),
                @ApiResponse(responseCode = "400", description = "validation-failed: mode"),
                @ApiResponse(responseCode = "409", description = "sync-running, sync-account-missing, sync-throttled")
            })
    StartedView start(@Parameter(description = "incremental or full") @RequestParam(required = false) String mode,
            Authentication authentication) {
        SyncMode parsed = mode == null ? SyncMode.INCREMENTAL : SyncMode.parse(mode).orElseThrow(
                () -> invalid("mode", "must be incremental or full"));
        // No implicit sync account: without one chosen by PUT /sync-account, the run is refused (409).
        return new StartedView(sync.startManual(parsed, actorId(authentication)));
    }

    @PutMapping("/sync-account")
    @Operation(summary = "Choose the sync account",
            description = "The user whose Zoho connection reads the CRM for everyone. 400 validation-failed without "
                    + "a user_id, 404 not-found for an unknown user, 409 zoho-not-connected unless that user's Zoho "
                    + "connection is CONNECTED; nothing changes then. A change is written to the security audit "
                    + "trail as pipeline_sync_account_set.",
            responses = {
                @ApiResponse(responseCode = "200", description = "the sync status with the new account"),
                @ApiResponse(responseCode = "400", description = "validation-failed: user_id"),
                @ApiResponse(responseCode = "404", description = "not-found: no such user"),
                @ApiResponse(responseCode = "409", description = "zoho-not-connected")
            })
    SyncStatusView setAccount(@RequestBody SyncAccountRequest request, Authentication authentication) {
        UUID userId;
        try {
            userId = request == null || request.userId() == null ? null : UUID.fromString(request.userId().trim());
        } catch (IllegalArgumentException e) {
            userId = null;
        }
        if (userId == null) {
            throw invalid("user_id", "give the id of a user (a UUID)");
        }
        UUID id = userId;
        UserAccount user = users.find(id).orElseThrow(() -> new ApiProblemException(ProblemType.NOT_FOUND,
                "No such user: " + id + "."));
        Optional<ZohoConnection> connection = connections.findByUser(id);
        if (connection.isEmpty() || connection.get().status() != ZohoConnectionStatus.CONNECTED) {
            throw new ApiProblemException("zoho-not-connected", "No Zoho connection", 409,
                    "User " + id + " has no CONNECTED Zoho connection ("
                            + connection.map(c -> c.status().name()).orElse("none")
                            + "); they must sign in with Zoho first.", Map.of("user_id", id.toString()),
                    new HttpHeaders());
        }
        if (!user.active()) {
            throw new ApiProblemException("user-disabled", "User disabled", 409,
                    "User " + id + " is disabled and cannot be the sync account.", Map.of(), new HttpHeaders());
        }
        UUID previous = state.read().syncUserId();
        UUID actor = actorId(authentication);
        state.setSyncAccount(id, actor);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", previous == null ? "none" : previous.toString());
        details.put("to", id.toString());
        details.put("by", actor == null ? "unknown" : actor.toString());
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.PIPELINE_SYNC_ACCOUNT_SET, id, user.email(),
                details));
        return status();
    }

    private AccountView account(UUID userId) {
        Optional<UserAccount> user = users.find(userId);
        String zohoStatus = connections.findByUser(userId).map(c -> c.status().name()).orElse("NONE");
        return new AccountView(userId, user.map(UserAccount::displayName).orElse(null),
                user.map(UserAccount::email).orElse(null), zohoStatus, !"CONNECTED".equals(zohoStatus));
    }

    private static ApiProblemException invalid(String field, String message) {
        return new ApiProblemException(ProblemType.VALIDATION_FAILED, "Invalid " + field + ": " + message + ".",
                Map.of("errors", List.of(Map.of("field", field, "message", message))), new HttpHeaders());
    }

    // The access-token principal names the user id (see the session module's AccessTokenClaims).
    private static UUID actorId(Authentication authentication) {
        try {
            return UUID.fromString(authentication.getName());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    record SyncAccountRequest(@JsonProperty("user_id") String userId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StartedView(UUID runId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SyncStatusView(AccountView syncAccount, boolean syncAccountMissing, boolean running, CursorView cursor, Instant lastFullSyncAt,
            long syncIntervalSeconds, Instant nextScheduledRun, String reportingCurrency, List<RunView> runs) {
    }

    /** {@code reauth_required}: the account's Zoho link cannot read the CRM until they sign in again. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AccountView(UUID userId, String name, String email, String zohoStatus, boolean reauthRequired) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CursorView(Instant modified, Instant deleted, FullPassView fullPass) {
    }

    /** A full pass under way (a full run stopped before its end): the next full run resumes it after {@code cursor}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FullPassView(UUID id, Instant cursor) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RunView(UUID runId, String mode, String trigger, Instant startedAt, Instant finishedAt, String outcome,
            int fetched, int upserted, int deleted, int pages, int zohoCalls, int unconverted, int reconverted,
            int regionChanged, Instant retryAfter, String error) {

        static RunView of(SyncRun r) {
            return new RunView(r.id(), r.mode(), r.trigger(), r.startedAt(), r.finishedAt(), r.outcome(),
                    r.fetched(), r.upserted(), r.deleted(), r.pages(), r.zohoCalls(), r.unconverted(),
                    r.reconverted(), r.regionChanged(), r.retryAfter(), r.errorDetail());
        }
    }
}
