package com.pipelinepulse.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Filters of the admin listing, already validated; {@code after} is the decoded cursor, if any. */
record AuditQuery(List<String> types, UUID userId, Instant from, Instant to, AuditCursor after) {
}
