package com.pipelinepulse.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.web.ProblemType;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/admin/audit}: the audit trail for admins, newest first, filtered by type (repeatable),
 * user id and time range, in pages linked by an opaque cursor. Any malformed filter is a 400 problem that
 * names the parameter (never echoing its value).
 */
@RestController
@RequestMapping("/api/admin/audit")
@PreAuthorize("hasRole('ADMIN')")
class AuditController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final SecurityAuditTrail trail;

    AuditController(SecurityAuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping
    AuditPage list(@RequestParam(name = "type", required = false) List<String> types,
            @RequestParam(name = "user", required = false) String user,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "cursor", required = false) String cursor,
            @RequestParam(name = "limit", required = false) String limit) {
        List<String> typeFilter = types == null ? List.of()
                : types.stream().flatMap(t -> List.of(t.split(",")).stream()).map(String::trim)
                        .filter(t -> !t.isEmpty()).distinct().toList();
        if (typeFilter.stream().anyMatch(t -> !TYPE.matcher(t).matches())) {
            throw invalid("type", "an event type such as sign_in (lower case letters, digits and _)");
        }
        UUID userId = blank(user) ? null : parseUser(user);
        Instant fromInstant = blank(from) ? null : parseInstant("from", from);
        Instant toInstant = blank(to) ? null : parseInstant("to", to);
        if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
            throw invalid("from", "a time before 'to'");
        }
        AuditCursor after = blank(cursor) ? null
                : AuditCursor.decode(cursor.trim()).orElseThrow(() -> invalid("cursor", "a next_cursor from an earlier page"));
        int pageSize = blank(limit) ? DEFAULT_LIMIT : parseLimit(limit);

        List<AuditRecord> rows = trail.find(new AuditQuery(typeFilter, userId, fromInstant, toInstant, after),
                pageSize + 1);
        boolean more = rows.size() > pageSize;
        List<AuditRecord> page = more ? rows.subList(0, pageSize) : rows;
        String next = more ? new AuditCursor(page.get(pageSize - 1).occurredAt(), page.get(pageSize - 1).id()).encode()
                : null;
        return new AuditPage(page.stream().map(AuditEntry::of).toList(), next);
    }

    private static UUID parseUser(String user) {
        try {
            return UUID.fromString(user.trim());
        } catch (IllegalArgumentException e) {
            throw invalid("user", "a user id (UUID)");
        }
    }

    private static Instant parseInstant(String name, String value) {
        try {
            // A '+' offset arrives as a space when the caller did not percent-encode it.
            return OffsetDateTime.parse(value.trim().replace(' ', '+')).toInstant();
        } catch (DateTimeException e) {
            throw invalid(name, "an ISO-8601 time with offset, e.g. 2025-01-31T00:00:00Z");
        }
    }

    private static int parseLimit(String limit) {
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw invalid("limit", "a whole number from 1 to " + MAX_LIMIT);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static ApiProblemException invalid(String parameter, String expected) {
        return new ApiProblemException(ProblemType.VALIDATION_FAILED.slug(), ProblemType.VALIDATION_FAILED.title(),
                400, "Query parameter '" + parameter + "' must be " + expected + ".",
                Map.of("errors", List.of(Map.of("field", parameter, "message", "must be " + expected))),
                new HttpHeaders());
    }

    /** One page: {@code next_cursor} is absent on the last page. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AuditPage(List<AuditEntry> items, String nextCursor) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AuditEntry(long id, Instant occurredAt, String type, String outcome, UUID userId, String subject,
            String clientIp, String userAgent, String requestId, Map<String, Object> details) {

        static AuditEntry of(AuditRecord r) {
            return new AuditEntry(r.id(), r.occurredAt(), r.type(), r.outcome(), r.userId(), r.subject(),
                    r.clientIp(), r.userAgent(), r.requestId(), r.details());
        }
    }
}
