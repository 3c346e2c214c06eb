package com.pipelinepulse.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The deals the figure tests seed, as raw Zoho values, and the expected values a sales manager would work out by
 * hand from them (PIPELINE.md "Definitions"). Nothing here calls the code under test: region, phase and health of
 * each deal are written down beside it, and money is recomputed from Amount, Exchange_Rate and the org's rates.
 *
 * <p>Today is {@link #TODAY}; the org's home currency is USD; the reporting currency is SGD (the default).
 */
final class PipelineSeed {

    static final LocalDate TODAY = LocalDate.of(2026, 3, 15);
    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    static final String HOME = "USD";
    static final Map<String, BigDecimal> RATES = Map.of("SGD", new BigDecimal("1.34"), "EUR", new BigDecimal("0.91"),
            "INR", new BigDecimal("83.25"), "GBP", new BigDecimal("0.79"));
    static final BigDecimal RATE_R = RATES.get("SGD");

    /** Our user with Zoho user id 1003 is in APAC: a deal of theirs without a region value is APAC. */
    static final String APAC_OWNER_ID = "1003";

    /**
     * One seeded deal: raw Zoho values, then what a person derives by hand: region, O2R phase, health and reasons.
     */
    record Seed(String id, String name, String account, String ownerId, String ownerName, String stage,
            String amount, String currency, String exchangeRate, Integer probability, String closing, String regionField,
            String forecastCategory, String proposal, String po, String kickoff, String invoice, String payment,
            String revenue, String modified, boolean deleted,
            String region, int phase, String health, List<String> reasons) {

        String status() {
            return switch (stage) {
                case "Closed Won" -> "won";
                case "Closed Lost", "Closed-Lost to Competition" -> "lost";
                default -> "open";
            };
        }

        /** round2(Amount / Exchange_Rate × rate(SGD)), half-even; 0 without an amount. */
        BigDecimal amountReporting() {
            if (amount == null) {
                return new BigDecimal("0.00");
            }
            BigDecimal rate = exchangeRate == null ? BigDecimal.ONE : new BigDecimal(exchangeRate);
            return new BigDecimal(amount).divide(rate, MathContext.DECIMAL128).multiply(RATE_R)
                    .setScale(2, RoundingMode.HALF_EVEN);
        }

        /** round2(amount_reporting × Probability / 100), half-even. */
        BigDecimal weighted() {
            int p = probability == null ? 0 : probability;
            return amountReporting().multiply(BigDecimal.valueOf(p)).divide(BigDecimal.valueOf(100))
                    .setScale(2, RoundingMode.HALF_EVEN);
        }

        boolean realized() {
            return revenue != null;
        }

        LocalDate closingDate() {
            return closing == null ? null : LocalDate.parse(closing);
        }

        String closingMonth() {
            return closing == null ? null : closing.substring(0, 7);
        }

        JsonNode zohoRecord(ObjectMapper json) {
            ObjectNode r = json.createObjectNode();
            r.put("id", id);
            r.put("Deal_Name", name);
            if (amount != null) {
                r.put("Amount", new BigDecimal(amount));
            } else {
                r.putNull("Amount");
            }
            r.put("Currency", currency);
            if (exchangeRate != null) {
                r.put("Exchange_Rate", new BigDecimal(exchangeRate));
            }
            r.put("Stage", stage);
            if (probability != null) {
                r.put("Probability", probability);
            }
            r.put("Closing_Date", closing);
            r.putObject("Owner").put("id", ownerId).put("name", ownerName).put("email", "owner" + ownerId + "@example.com");
            r.putObject("Account_Name").put("id", "a" + id).put("name", account);
            r.put("Forecast_Category__s", forecastCategory);
            r.put("Region", regionField);
            r.put("Proposal_Submission_date", proposal);
            r.put("PO_Generation_Date", po);
            r.put("Kick_off_Date", kickoff);
            r.put("Invoice_Date", invoice);
            r.put("Payment_Date", payment);
            r.put("OB_Recognition_Date", revenue);
            r.put("Created_Time", "2025-10-01T09:00:00+00:00");
            r.put("Modified_Time", modified);
            return r;
        }
    }

    private static Seed seed(String id, String name, String account, String ownerId, String ownerName, String stage,
            String amount, String currency, String exchangeRate, Integer probability, String closing,
            String regionField, String forecastCategory, String proposal, String po, String kickoff, String invoice,
            String payment, String revenue, String modified, String region, int phase, String health,
            String... reasons) {
        return new Seed(id, name, account, ownerId, ownerName, stage, amount, currency, exchangeRate, probability,
                closing, regionField, forecastCategory, proposal, po, kickoff, invoice, payment, revenue, modified,
                false, region, phase, health, List.of(reasons));
    }

    static final List<Seed> DEALS = List.of(
            // Proposal 23 days ago (<= 30), modified yesterday, closing ahead: GREEN.
            seed("9001", "Acme renewal", "Acme Corp", "1001", "Ann Euro", "Negotiation", "10000", "EUR", "0.91", 60,
                    "2026-04-30", "EMEA", "Pipeline", "2026-02-20", null, null, null, null, null,
                    "2026-03-14T08:00:00+00:00", "EMEA", 2, "GREEN"),
            // Proposal 64 days ago in phase 2, closing 5 days ago while open, 80 %, no PO, modified 14 days ago.
            seed("9002", "Globex expansion", "Globex", "1002", "Bob Amer", "Proposal", "25000", "USD", "1", 80,
                    "2026-03-10", "US", "Best Case", "2026-01-10", null, null, null, null, null,
                    "2026-03-01T12:00:00+00:00", "AMER", 2, "RED",
                    "proposal_stalled", "overdue_close", "high_probability_no_po", "stale"),
            // Invoiced 49 days ago and unpaid.
            seed("9003", "Initech INR deal", "Initech", "1003", "Chen Apac", "Closed Won", "1250000", "INR", "83.25",
                    100, "2026-02-28", "India", "Closed", "2025-12-01", "2026-01-05", "2026-01-10", "2026-01-25", null,
                    null, "2026-03-12T00:00:00+00:00", "APAC", 4, "RED", "invoice_unpaid"),
            seed("9004", "Umbrella lost", "Umbrella", "1001", "Ann Euro", "Closed Lost", "5000", "USD", "1", 0,
                    "2026-02-10", "EMEA", "Omitted", null, null, null, null, null, null, "2026-02-11T00:00:00+00:00",
                    "EMEA", 1, null),
            seed("9005", "Hooli competitor loss", "Hooli", "1001", "Ann Euro", "Closed-Lost to Competition", "8000",
                    "GBP", "0.79", 0, "2026-01-20", "GB", "Omitted", "2025-12-01", null, null, null, null, null,
                    "2026-01-21T00:00:00+00:00", "EMEA", 2, null),
            // Revenue recognised: realized, no health.
            seed("9006", "Stark realized", "Stark Industries", "1002", "Bob Amer", "Closed Won", "40000", "USD", "1", 100,
                    "2025-12-15", "AMER", "Closed", "2025-10-01", "2025-10-20", "2025-10-25", "2025-12-01",
                    "2025-12-20", "2026-01-05", "2026-01-06T00:00:00+00:00", "AMER", 4, null),
            // No Amount; no region value and the owner is our APAC user; no closing date; modified today.
            seed("9007", "Wayne no amount", "Wayne Enterprises", APAC_OWNER_ID, "Chen Apac", "Qualification", null,
                    "USD", "1", 20, null, null, null, null, null, null, null, null, null, "2026-03-15T07:00:00+00:00",
                    "APAC", 1, "GREEN"),
            // PO 42 days ago without kickoff; probability 10 in phase 3.
            seed("9008", "Cyberdyne execution", "Cyberdyne", "1001", "Ann Euro", "Contract Signed", "12345.67", "EUR",
                    "0.91", 10, "2026-06-30", "Germany", "Commit", "2026-01-15", "2026-02-01", null, null, null, null,
                    "2026-03-10T00:00:00+00:00", "EMEA", 3, "YELLOW", "kickoff_delayed", "low_probability_in_execution"),
            // A region value the mapping does not name; modified 10 days ago.
            seed("9009", "Soylent unmapped", "Soylent", "1004", "Dee Nouser", "Negotiation", "7000", "USD", null, 50,
                    "2026-05-01", "USA", "Pipeline", null, null, null, null, null, null, "2026-03-05T00:00:00+00:00",
                    "UNASSIGNED", 1, "NEEDS_UPDATE", "stale"),
            // Kicked off 85 days ago, no invoice; a deal in the reporting currency itself.
            seed("9010", "Tyrell execution long", "Tyrell", "1003", "Chen Apac", "Closed Won", "30000", "SGD", "1.34",
                    100, "2025-11-30", "APAC", "Closed", "2025-11-01", "2025-12-01", "2025-12-20", null, null, null,
                    "2026-03-14T00:00:00+00:00", "APAC", 3, "YELLOW", "execution_long"),
            seed("9012", "Massive Dynamic", "Massive Dynamic", "1001", "Ann Euro", "Closed Won", "15000", "USD", "1", 100,
                    "2026-03-05", "EMEA", "Closed", "2026-02-01", "2026-03-10", null, null, null, null,
                    "2026-03-11T00:00:00+00:00", "EMEA", 3, "GREEN"),
            // 16.75 SGD at 30 %: 5.025, half-even 5.02 (half-up would say 5.03).
            seed("9013", "=cmd|' /C calc'!A0", "@Initrode", "1001", "Ann Euro", "Qualification", "12.50", "USD", "1", 30,
                    "2026-03-31", "EMEA", "Pipeline", null, null, null, null, null, null, "2026-03-15T01:00:00+00:00",
                    "EMEA", 1, "GREEN"),
            seed("9014", "Vehement, \"quoted\"", "Vehement Capital", "1001", "Ann Euro", "Proposal", "5000", "EUR", "0.91",
                    40, null, "EMEA", "Pipeline", "2026-03-01", null, null, null, null, null,
                    "2026-03-13T00:00:00+00:00", "EMEA", 2, "GREEN"),
            // Closing today is not overdue; PO yesterday.
            seed("9015", "Closing today", "Oscorp", "1002", "Bob Amer", "Negotiation", "1000", "USD", "1", 90,
                    "2026-03-15", "AMER", "Commit", "2026-03-01", "2026-03-14", null, null, null, null,
                    "2026-03-15T09:00:00+00:00", "AMER", 3, "GREEN"),
            new Seed("9011", "Deleted deal", "Gone Inc", "1001", "Ann Euro", "Negotiation", "99999", "USD", "1", 50,
                    "2026-04-01", "EMEA", "Pipeline", null, null, null, null, null, null, "2026-03-14T00:00:00+00:00",
                    true, "EMEA", 1, "GREEN", List.of()));

    static List<Seed> live() {
        return DEALS.stream().filter(d -> !d.deleted()).toList();
    }

    static List<Seed> live(Predicate<Seed> filter) {
        return live().stream().filter(filter).toList();
    }

    static BigDecimal sum(List<Seed> deals, java.util.function.Function<Seed, BigDecimal> amount) {
        return deals.stream().map(amount).reduce(new BigDecimal("0.00"), BigDecimal::add);
    }

    private PipelineSeed() {
    }
}
