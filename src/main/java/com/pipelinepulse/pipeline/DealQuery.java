package com.pipelinepulse.pipeline;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code where} clause over {@code pipeline_deal d} for a scope and filters, with its bind parameters: live
 * deals only, the caller's region, then each filter. Values are always bound, never written into the SQL.
 */
final class DealQuery {

    private final StringBuilder where = new StringBuilder("not d.deleted");
    private final Map<String, Object> params = new HashMap<>();

    DealQuery(ReadScope scope, DealFilters filters, LocalDate today, HealthSql health) {
        params.put("today", today);
        if (scope.region() != null) {
            and("d.region = :scope_region", "scope_region", scope.region());
        }
        if (filters.region() != null) {
            and("d.region = :region", "region", filters.region());
        }
        if (filters.ownerId() != null) {
            and("d.owner_id = :owner_id", "owner_id", filters.ownerId());
        }
        if (filters.stage() != null) {
            and("lower(d.stage) = lower(:stage)", "stage", filters.stage());
        }
        if (filters.status() != null) {
            and("d.status = :status", "status", filters.status());
        }
        if (filters.health() != null) {
            and(health.level() + " = :health", "health", filters.health().name());
        }
        if (filters.closingFrom() != null) {
            and("d.closing_date >= :closing_from", "closing_from", filters.closingFrom());
        }
        if (filters.closingTo() != null) {
            and("d.closing_date <= :closing_to", "closing_to", filters.closingTo());
        }
        if (filters.text() != null) {
            and("(d.name ilike :q escape '\\' or d.account_name ilike :q escape '\\')", "q",
                    "%" + escapeLike(filters.text()) + "%");
        }
    }

    /** Adds a condition of the caller's own (e.g. a cursor), binding {@code value} as {@code name}. */
    DealQuery and(String condition, String name, Object value) {
        where.append(" and ").append(condition);
        if (name != null) {
            params.put(name, value);
        }
        return this;
    }

    String where() {
        return where.toString();
    }

    Map<String, Object> params() {
        return params;
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
