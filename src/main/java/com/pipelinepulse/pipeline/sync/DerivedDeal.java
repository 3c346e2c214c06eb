package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * A Zoho deal as stored in {@code pipeline_deal}: the fields read, and what PIPELINE.md derives from them (status,
 * region, amounts in the reporting currency, O2R phase, realized). Column for column. {@code exchangeRateOnDeal}: the
 * record carried its own {@code Exchange_Rate}; {@code unconverted}: an amount in a currency without a known rate
 * (counted with 0 and reported, never converted at a made-up rate).
 */
public record DerivedDeal(String id, String name, String accountId, String accountName, String ownerId,
        String ownerName, String ownerEmail, String stage, String status, Integer probability, LocalDate closingDate,
        String currency, BigDecimal amount, BigDecimal exchangeRate, BigDecimal amountReporting,
        BigDecimal weightedAmountReporting, String reportingCurrency, Long currencySnapshotId, String region,
        String forecastCategory, LocalDate proposalDate, LocalDate poDate, LocalDate kickoffDate,
        LocalDate invoiceDate, LocalDate paymentDate, LocalDate revenueRecognitionDate, int o2rPhase,
        boolean realized, OffsetDateTime createdTime, OffsetDateTime modifiedTime, JsonNode zohoRecord,
        boolean exchangeRateOnDeal, boolean unconverted) {
}
