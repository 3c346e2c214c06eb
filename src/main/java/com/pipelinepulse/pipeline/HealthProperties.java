package com.pipelinepulse.pipeline;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Thresholds of deal health ({@code pipelinepulse.pipeline.health.*}, PIPELINE.md "Health"). Day counts compare
 * whole days between a milestone date and today (UTC): "more than 30 days ago" means {@code today - date > 30}.
 *
 * @param proposalStalledDays    phase 2 and the proposal is older than this: RED {@code proposal_stalled}
 * @param invoiceUnpaidDays      invoiced, not paid, invoice older than this: RED {@code invoice_unpaid}
 * @param kickoffDelayedDays     PO, no kickoff, PO older than this: YELLOW {@code kickoff_delayed}
 * @param executionLongDays      kickoff, no invoice, kickoff older than this: YELLOW {@code execution_long}
 * @param highProbability        probability at or above this without a PO: YELLOW {@code high_probability_no_po}
 * @param lowProbability         probability at or below this in phase 3 or 4: YELLOW {@code low_probability_in_execution}
 * @param staleDays              last modified in Zoho longer ago than this: NEEDS_UPDATE {@code stale}
 */
@Validated
@ConfigurationProperties("pipelinepulse.pipeline.health")
public record HealthProperties(
        @DefaultValue("30") @Min(0) int proposalStalledDays,
        @DefaultValue("45") @Min(0) int invoiceUnpaidDays,
        @DefaultValue("14") @Min(0) int kickoffDelayedDays,
        @DefaultValue("60") @Min(0) int executionLongDays,
        @DefaultValue("80") @Min(0) @Max(100) int highProbability,
        @DefaultValue("20") @Min(0) @Max(100) int lowProbability,
        @DefaultValue("7") @Min(0) int staleDays) {

    /** The defaults of PIPELINE.md. */
    public static HealthProperties defaults() {
        return new HealthProperties(30, 45, 14, 60, 80, 20, 7);
    }
}
