package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.identity.RegionMapper;
import com.pipelinepulse.identity.RegionMapper.OwnerRegions;
import com.pipelinepulse.pipeline.sync.CurrencySnapshot.Conversion;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * From a Zoho Deals record to the row stored for it, exactly as PIPELINE.md ("Definitions") says:
 * <ul>
 *   <li>status: {@code won} / {@code lost} when the stage is one of the configured won / lost stages
 *   (case-insensitive), else {@code open};</li>
 *   <li>region: the region field mapped like user regions (a region name, a country name or ISO code); empty: the
 *   owner's region when the owner is one of our users (Zoho user id, then email); otherwise, and for a value the
 *   mapping does not name, {@code UNASSIGNED};</li>
 *   <li>{@code amount_reporting = round2(Amount / Exchange_Rate × rate(R))}, computed as
 *   {@code Amount × rate(R) / Exchange_Rate} with one rounding (2 decimals, half-even); 0 without an amount.
 *   A deal without {@code Exchange_Rate} uses 1 in the home currency, else the snapshot's rate of its currency,
 *   else (no known rate) it is {@code unconverted}: 0, flagged and counted, never converted at a made-up rate;
 *   {@code weighted_amount_reporting = round2(amount_reporting × Probability / 100)} (no probability: 0);</li>
 *   <li>O2R phase: the furthest milestone reached: invoice {@code 4}, PO {@code 3}, proposal {@code 2}, none
 *   {@code 1}; realized when the revenue-recognition date is set.</li>
 * </ul>
 */
public final class DealDerivation {

    public static final String UNASSIGNED = "UNASSIGNED";

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final PipelineSyncProperties properties;
    private final RegionMapper regions;

    public DealDerivation(PipelineSyncProperties properties, RegionMapper regions) {
        this.properties = properties;
        this.regions = regions;
    }

    /**
     * The row for one record.
     *
     * @param record     one element of a Deals answer's {@code data}
     * @param conversion this run's currency conversion
     * @param owners     our users' regions, for deals whose region field is empty
     * @throws IllegalArgumentException when the record has no {@code id}
     */
    public DerivedDeal derive(JsonNode record, Conversion conversion, OwnerRegions owners) {
        String id = text(record, "id");
        if (id == null) {
            throw new IllegalArgumentException("a Zoho deal record without an id");
        }
        JsonNode owner = record.path("Owner");
        JsonNode account = record.path("Account_Name");
        String ownerId = text(owner, "id");
        String ownerEmail = text(owner, "email");
        String stage = text(record, "Stage");
        Integer probability = probability(record.get("Probability"));
        String currency = isoCode(text(record, "Currency"));
        BigDecimal amount = decimal(record.get("Amount"));
        BigDecimal onDeal = decimal(record.get("Exchange_Rate"));
        boolean rateOnDeal = onDeal != null && onDeal.signum() > 0;
        BigDecimal exchangeRate = rateOnDeal ? onDeal : exchangeRate(currency, conversion);
        boolean unconverted = amount != null && exchangeRate == null;
        BigDecimal amountReporting = amount == null || unconverted ? money(BigDecimal.ZERO)
                : amount.multiply(conversion.reportingRate()).divide(exchangeRate, 2, RoundingMode.HALF_EVEN);
        BigDecimal weighted = probability == null ? money(BigDecimal.ZERO)
                : amountReporting.multiply(BigDecimal.valueOf(probability)).divide(HUNDRED, 2, RoundingMode.HALF_EVEN);

        PipelineSyncProperties.Fields o2r = properties.o2r().fields();
        LocalDate proposal = date(record.get(o2r.proposal()));
        LocalDate po = date(record.get(o2r.po()));
        LocalDate kickoff = date(record.get(o2r.kickoff()));
        LocalDate invoice = date(record.get(o2r.invoice()));
        LocalDate payment = date(record.get(o2r.payment()));
        LocalDate recognised = date(record.get(o2r.revenueRecognition()));
        int phase = invoice != null ? 4 : po != null ? 3 : proposal != null ? 2 : 1;

        return new DerivedDeal(id, limit(text(record, "Deal_Name"), 255), text(account, "id"),
                limit(text(account, "name"), 255), ownerId, limit(text(owner, "name"), 255), limit(ownerEmail, 320),
                limit(stage, 120), status(stage), probability, date(record.get("Closing_Date")), currency, amount,
                exchangeRate == null ? BigDecimal.ONE : exchangeRate, amountReporting, weighted, conversion.reportingCurrency(), conversion.snapshotId(),
                region(record.get(properties.regionField()), ownerId, ownerEmail, owners),
                limit(text(record, "Forecast_Category__s"), 120), proposal, po, kickoff, invoice, payment, recognised,
                phase, recognised != null, timestamp(record.get("Created_Time")),
                timestamp(record.get("Modified_Time")), record, rateOnDeal, unconverted);
    }

    String status(String stage) {
        if (stage == null) {
            return "open";
        }
        String key = stage.trim().toLowerCase(Locale.ROOT);
        if (properties.wonStages().contains(key)) {
            return "won";
        }
        return properties.lostStages().contains(key) ? "lost" : "open";
    }

    private String region(JsonNode field, String ownerId, String ownerEmail, OwnerRegions owners) {
        return fieldRegion(field).orElseGet(() -> owners.regionOf(ownerId, ownerEmail).orElse(UNASSIGNED));
    }

    /**
     * The region a region-field value gives on its own: the mapped region, {@code UNASSIGNED} for a value the
     * mapping does not name, or empty when the field is empty (the owner's region then decides).
     */
    java.util.Optional<String> fieldRegion(JsonNode field) {
        String value = regionValue(field);
        return value == null ? java.util.Optional.empty()
                : java.util.Optional.of(regions.regionOf(value).orElse(UNASSIGNED));
    }

    /** A picklist gives text, a lookup an object with a name, a multi-select an array: its first value. */
    private static String regionValue(JsonNode field) {
        if (field == null || field.isNull()) {
            return null;
        }
        if (field.isArray()) {
            return field.isEmpty() ? null : regionValue(field.get(0));
        }
        String value = field.isObject() ? text(field, "name") : field.asText();
        return value == null || value.isBlank() || "-None-".equals(value.trim()) ? null : value.trim();
    }

    /**
     * The rate of a deal without its own {@code Exchange_Rate}: 1 in the home currency (or without a currency, or
     * when no org currencies are known at all), else the snapshot's rate of its currency; null when the currency
     * has no known rate (e.g. {@code XXX}, or a currency the org no longer lists).
     */
    static BigDecimal exchangeRate(String currency, Conversion conversion) {
        if (currency == null || conversion.homeCurrency() == null || currency.equals(conversion.homeCurrency())) {
            return BigDecimal.ONE;
        }
        BigDecimal fromSnapshot = conversion.exchangeRates().get(currency);
        return fromSnapshot != null && fromSnapshot.signum() > 0 ? fromSnapshot : null;
    }

    private static BigDecimal money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_EVEN);
    }

    private static Integer probability(JsonNode node) {
        BigDecimal value = decimal(node);
        if (value == null) {
            return null;
        }
        int whole = value.setScale(0, RoundingMode.HALF_EVEN).intValue();
        return Math.max(0, Math.min(100, whole));
    }

    static BigDecimal decimal(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual() && !node.asText().isBlank()) {
            try {
                return new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A date field ({@code YYYY-MM-DD}) or a date-time field (its date, at its own offset). */
    static LocalDate date(JsonNode node) {
        String value = node == null || node.isNull() ? null : node.asText().trim();
        if (value == null || value.length() < 10) {
            return null;
        }
        try {
            return LocalDate.parse(value.substring(0, 10));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static OffsetDateTime timestamp(JsonNode node) {
        String value = node == null || node.isNull() ? null : node.asText().trim();
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text.trim();
    }

    /** An ISO 4217 code, or null for anything else (a deal without one is in the home currency). */
    private static String isoCode(String value) {
        String code = value == null ? null : value.toUpperCase(Locale.ROOT);
        return code != null && code.matches("[A-Z]{3}") ? code : null;
    }

    private static String limit(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
