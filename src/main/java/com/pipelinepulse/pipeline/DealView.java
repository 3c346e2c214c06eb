package com.pipelinepulse.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A deal as the list, the attention list and the CSV show it (PIPELINE.md "A deal in the list"). Money has two
 * decimals; {@code amount} is null when Zoho has none (the reporting amounts are then 0.00); {@code health}
 * is null and {@code health_reasons} empty for a lost or realized deal.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record DealView(String id, String name, String account, Owner owner, String stage, String status,
        Integer probability, LocalDate closingDate, String currency, BigDecimal amount, BigDecimal amountReporting,
        BigDecimal weightedAmountReporting, String region, String forecastCategory, int o2rPhase, boolean realized,
        Health health, List<String> healthReasons, Instant modifiedTime) {

    /** The owner: Zoho user id and name. */
    record Owner(String id, String name) {
    }
}
