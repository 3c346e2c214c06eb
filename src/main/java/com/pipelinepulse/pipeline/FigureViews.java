package com.pipelinepulse.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** The JSON bodies of the pipeline read routes (PIPELINE.md "Routes"); money always has two decimals. */
final class FigureViews {

    private FigureViews() {
    }

    /**
     * {@code GET /api/pipeline/summary}. {@code unconverted_count}: selected deals with an amount in a currency
     * without a known rate (no {@code Exchange_Rate} on the deal, not an org currency, e.g. {@code XXX}); they count
     * with 0 in every amount.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Summary(String currency, Instant asOf, Totals open, Totals won, Totals lost, BigDecimal winRate,
            BigDecimal averageWonDealSize, long unconvertedCount) {
    }

    /** Count and amounts of one status; {@code weighted_amount} only for open deals. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Totals(long count, BigDecimal amount, BigDecimal weightedAmount) {
    }

    /** {@code GET /api/pipeline/breakdown}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Breakdown(String currency, String by, String status, List<BreakdownRow> rows) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record BreakdownRow(String key, String label, long count, BigDecimal amount, BigDecimal weightedAmount) {
    }

    /** {@code GET /api/pipeline/deals}: {@code next_cursor} is null on the last page. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record DealPage(List<DealView> items, String nextCursor) {
    }

    /** {@code GET /api/pipeline/deals/{id}}: the deal as listed, plus its milestones and conversion. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DealDetail(@JsonUnwrapped DealView deal, BigDecimal exchangeRate, String reportingCurrency,
            String accountId, Instant createdTime, Milestones milestones) {
    }

    /** The O2R milestone dates (PIPELINE.md "O2R phase"); null when not reached. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Milestones(LocalDate proposalSubmission, LocalDate poGeneration, LocalDate kickoff, LocalDate invoice,
            LocalDate payment, LocalDate revenueRecognition) {
    }

    /** {@code GET /api/pipeline/o2r}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record O2r(String currency, List<Phase> phases, HealthCounts health, List<DealView> attention) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Phase(int phase, String name, long count, BigDecimal amount) {
    }

    /** Deals per health (lost and realized deals have none and are not counted). */
    record HealthCounts(@JsonProperty("RED") long red, @JsonProperty("YELLOW") long yellow,
            @JsonProperty("NEEDS_UPDATE") long needsUpdate, @JsonProperty("GREEN") long green) {
    }
}
