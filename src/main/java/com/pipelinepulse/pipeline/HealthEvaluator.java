package com.pipelinepulse.pipeline;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Deal health as PIPELINE.md defines it, a pure function of the deal's milestones, probability, O2R phase,
 * status and today's date. Evaluated at read time, so a deal turns RED at midnight without a sync.
 * {@link HealthSql} states the same rules as SQL for filters and counts; a test keeps the two equal.
 */
public final class HealthEvaluator {

    private final HealthProperties thresholds;

    public HealthEvaluator(HealthProperties thresholds) {
        this.thresholds = thresholds;
    }

    public HealthProperties thresholds() {
        return thresholds;
    }

    /** Health and every reason that applies; {@link DealHealth#NONE} for a lost or realized deal. */
    public DealHealth evaluate(HealthInput deal, LocalDate today) {
        if ("lost".equals(deal.status()) || deal.realized()) {
            return DealHealth.NONE;
        }
        List<HealthReason> reasons = new ArrayList<>();
        if (deal.phase() == 2 && olderThan(deal.proposalDate(), today, thresholds.proposalStalledDays())) {
            reasons.add(HealthReason.PROPOSAL_STALLED);
        }
        if (deal.paymentDate() == null && olderThan(deal.invoiceDate(), today, thresholds.invoiceUnpaidDays())) {
            reasons.add(HealthReason.INVOICE_UNPAID);
        }
        if ("open".equals(deal.status()) && deal.closingDate() != null && deal.closingDate().isBefore(today)) {
            reasons.add(HealthReason.OVERDUE_CLOSE);
        }
        if (deal.kickoffDate() == null && olderThan(deal.poDate(), today, thresholds.kickoffDelayedDays())) {
            reasons.add(HealthReason.KICKOFF_DELAYED);
        }
        if (deal.invoiceDate() == null && olderThan(deal.kickoffDate(), today, thresholds.executionLongDays())) {
            reasons.add(HealthReason.EXECUTION_LONG);
        }
        Integer probability = deal.probability();
        if (probability != null && probability >= thresholds.highProbability() && deal.poDate() == null) {
            reasons.add(HealthReason.HIGH_PROBABILITY_NO_PO);
        }
        if (probability != null && probability <= thresholds.lowProbability() && deal.phase() >= 3) {
            reasons.add(HealthReason.LOW_PROBABILITY_IN_EXECUTION);
        }
        if (olderThan(deal.modifiedDate(), today, thresholds.staleDays())) {
            reasons.add(HealthReason.STALE);
        }
        Health worst = reasons.isEmpty() ? Health.GREEN : reasons.get(0).level();
        return new DealHealth(worst, List.copyOf(reasons));
    }

    /** {@code date} lies more than {@code days} whole days before {@code today}. */
    private static boolean olderThan(LocalDate date, LocalDate today, int days) {
        return date != null && ChronoUnit.DAYS.between(date, today) > days;
    }

    /**
     * What health needs of a deal.
     *
     * @param status       {@code open}, {@code won} or {@code lost}
     * @param phase        O2R phase 1 to 4
     * @param modifiedDate the UTC date of Zoho's {@code Modified_Time}
     */
    public record HealthInput(String status, int phase, boolean realized, Integer probability, LocalDate closingDate,
            LocalDate proposalDate, LocalDate poDate, LocalDate kickoffDate, LocalDate invoiceDate,
            LocalDate paymentDate, LocalDate modifiedDate) {
    }

    /** A deal's health: {@code health} is null (and {@code reasons} empty) when the deal has none. */
    public record DealHealth(Health health, List<HealthReason> reasons) {

        public static final DealHealth NONE = new DealHealth(null, List.of());

        public List<String> reasonIds() {
            return reasons.stream().map(HealthReason::id).toList();
        }
    }
}
