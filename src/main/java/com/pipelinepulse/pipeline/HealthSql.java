package com.pipelinepulse.pipeline;

import java.util.EnumMap;
import java.util.Map;

/**
 * The rules of {@link HealthEvaluator} as SQL over {@code pipeline_deal d}, for the {@code health} filter and the
 * health counts, which must run in the database. Both read the same {@link HealthProperties}; the bind parameter
 * {@code :today} is today's date (UTC). Thresholds are validated integers, written into the SQL as literals.
 * {@code HealthSqlIntegrationTests} keeps this and the evaluator equal.
 */
final class HealthSql {

    /** Today (UTC) as a bind parameter, typed so that {@code date - integer} resolves. */
    static final String TODAY = "cast(:today as date)";

    private final Map<HealthReason, String> conditions = new EnumMap<>(HealthReason.class);
    private final String level;

    HealthSql(HealthProperties t) {
        conditions.put(HealthReason.PROPOSAL_STALLED,
                "d.o2r_phase = 2 and d.proposal_date < " + TODAY + " - " + t.proposalStalledDays());
        conditions.put(HealthReason.INVOICE_UNPAID,
                "d.payment_date is null and d.invoice_date < " + TODAY + " - " + t.invoiceUnpaidDays());
        conditions.put(HealthReason.OVERDUE_CLOSE, "d.status = 'open' and d.closing_date < " + TODAY);
        conditions.put(HealthReason.KICKOFF_DELAYED,
                "d.kickoff_date is null and d.po_date < " + TODAY + " - " + t.kickoffDelayedDays());
        conditions.put(HealthReason.EXECUTION_LONG,
                "d.invoice_date is null and d.kickoff_date < " + TODAY + " - " + t.executionLongDays());
        conditions.put(HealthReason.HIGH_PROBABILITY_NO_PO,
                "d.probability >= " + t.highProbability() + " and d.po_date is null");
        conditions.put(HealthReason.LOW_PROBABILITY_IN_EXECUTION,
                "d.probability <= " + t.lowProbability() + " and d.o2r_phase >= 3");
        conditions.put(HealthReason.STALE,
                "(d.modified_time at time zone 'UTC')::date < " + TODAY + " - " + t.staleDays());
        StringBuilder sql = new StringBuilder("(case when d.status = 'lost' or d.realized then null");
        for (Health health : new Health[] {Health.RED, Health.YELLOW, Health.NEEDS_UPDATE}) {
            StringBuilder any = new StringBuilder();
            conditions.forEach((reason, condition) -> {
                if (reason.level() == health) {
                    any.append(any.isEmpty() ? "" : " or ").append('(').append(condition).append(')');
                }
            });
            sql.append(" when ").append(any).append(" then '").append(health.name()).append('\'');
        }
        level = sql.append(" else 'GREEN' end)").toString();
    }

    /** The deal's health name ({@code RED}, ...) or null when it has none. */
    String level() {
        return level;
    }

    /** The condition of one reason (without the lost/realized exclusion). */
    String condition(HealthReason reason) {
        return conditions.get(reason);
    }
}
