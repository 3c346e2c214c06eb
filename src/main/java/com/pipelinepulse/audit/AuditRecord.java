package com.pipelinepulse.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One row of the audit trail; {@code id} is {@code null} before it is stored. */
record AuditRecord(Long id, Instant occurredAt, String type, String outcome, UUID userId, String subject,
        String clientIp, String userAgent, String requestId, Map<String, Object> details) {
}
