package com.pipelinepulse.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The {@code security_audit_event} table: append and read, nothing else (the database refuses the rest). */
@Repository
class SecurityAuditTrail {

    private final JdbcClient jdbc;
    private final ObjectMapper objectMapper;

    SecurityAuditTrail(JdbcClient jdbc, ObjectMapper objectMapper) {
        this.jdbc = jdbc;
        this.objectMapper = objectMapper;
    }

    /**
     * Stores one event. Inside the publisher's transaction it is written on the same connection under a savepoint
     * ({@code NESTED}): the row commits together with the change it records, a failed write rolls back only to the
     * savepoint (the publisher's work goes on), and no second pooled connection is needed. A second connection
     * per event ({@code REQUIRES_NEW}) deadlocked the pool under concurrent refreshes: every request held one
     * connection and waited for another. Publishers whose work is refused roll back first and publish afterwards
     * (the Zoho sign-in does), so a refusal keeps its row.
     */
    @Transactional(propagation = Propagation.NESTED)
    public void append(AuditRecord record) {
        jdbc.sql("""
                insert into security_audit_event
                    (occurred_at, type, outcome, user_id, subject, client_ip, user_agent, request_id, details)
                values (:occurredAt, :type, :outcome, :userId, :subject, :clientIp, :userAgent, :requestId,
                        cast(:details as jsonb))
                """)
                .param("occurredAt", record.occurredAt().atOffset(ZoneOffset.UTC))
                .param("type", record.type())
                .param("outcome", record.outcome())
                .param("userId", record.userId())
                .param("subject", record.subject())
                .param("clientIp", record.clientIp())
                .param("userAgent", record.userAgent())
                .param("requestId", record.requestId())
                .param("details", json(record.details()))
                .update();
    }

    /** Newest first, at most {@code limit} rows strictly after {@code query}'s cursor. */
    @Transactional(readOnly = true)
    public List<AuditRecord> find(AuditQuery query, int limit) {
        StringBuilder sql = new StringBuilder("""
                select id, occurred_at, type, outcome, user_id, subject, client_ip, user_agent, request_id,
                       details::text as details
                from security_audit_event where true
                """);
        Map<String, Object> params = new HashMap<>();
        if (!query.types().isEmpty()) {
            sql.append(" and type in (:types)");
            params.put("types", query.types());
        }
        if (query.userId() != null) {
            sql.append(" and user_id = :userId");
            params.put("userId", query.userId());
        }
        if (query.from() != null) {
            sql.append(" and occurred_at >= :from");
            params.put("from", query.from().atOffset(ZoneOffset.UTC));
        }
        if (query.to() != null) {
            sql.append(" and occurred_at < :to");
            params.put("to", query.to().atOffset(ZoneOffset.UTC));
        }
        if (query.after() != null) {
            sql.append(" and (occurred_at, id) < (:cursorAt, :cursorId)");
            params.put("cursorAt", query.after().occurredAt().atOffset(ZoneOffset.UTC));
            params.put("cursorId", query.after().id());
        }
        sql.append(" order by occurred_at desc, id desc limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> new AuditRecord(
                rs.getLong("id"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getString("type"),
                rs.getString("outcome"),
                rs.getObject("user_id", UUID.class),
                rs.getString("subject"),
                rs.getString("client_ip"),
                rs.getString("user_agent"),
                rs.getString("request_id"),
                readDetails(rs.getString("details")))).list();
    }

    private String json(Map<String, Object> details) {
        try {
            return objectMapper.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not serialisable", e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readDetails(String text) {
        try {
            return text == null ? Map.of() : objectMapper.readValue(text, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored audit details are not JSON", e);
        }
    }
}
