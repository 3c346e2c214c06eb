package com.pipelinepulse.pipeline.sync;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Zoho's organisation currencies at one moment ({@code GET /crm/v8/org/currencies}): the home currency and, per
 * ISO code, how many units of it one unit of the home currency is worth.
 *
 * @param id            the stored snapshot's id (null before it is stored)
 * @param takenAt       when it was read
 * @param homeCurrency  the org's home currency ({@code is_base})
 * @param exchangeRates ISO code to rate, the home currency included (rate 1)
 */
public record CurrencySnapshot(Long id, Instant takenAt, String homeCurrency, Map<String, BigDecimal> exchangeRates) {

    public CurrencySnapshot {
        homeCurrency = homeCurrency.trim().toUpperCase(Locale.ROOT);
        TreeMap<String, BigDecimal> rates = new TreeMap<>();
        exchangeRates.forEach((code, rate) -> rates.put(code.trim().toUpperCase(Locale.ROOT), rate));
        rates.putIfAbsent(homeCurrency, BigDecimal.ONE);
        exchangeRates = Map.copyOf(rates);
    }

    /**
     * How amounts reach {@code reportingCurrency}: with its rate when the org knows it (1 when it is the home
     * currency), else in the home currency (PIPELINE.md: figures are then given in the home currency).
     */
    public Conversion conversionTo(String reportingCurrency) {
        String wanted = reportingCurrency.trim().toUpperCase(Locale.ROOT);
        BigDecimal rate = exchangeRates.get(wanted);
        if (rate == null) {
            return new Conversion(homeCurrency, BigDecimal.ONE, homeCurrency, exchangeRates, id);
        }
        return new Conversion(wanted, wanted.equals(homeCurrency) ? BigDecimal.ONE : rate, homeCurrency,
                exchangeRates, id);
    }

    /**
     * The conversion of deal amounts for one run.
     *
     * @param reportingCurrency what the converted amounts are in
     * @param reportingRate     {@code rate(R)}: units of the reporting currency per unit of the home currency
     * @param homeCurrency      the home currency (null when Zoho gave no currencies)
     * @param exchangeRates     the snapshot's rates, for deals that carry no {@code Exchange_Rate}
     * @param snapshotId        the snapshot used (null when none)
     */
    public record Conversion(String reportingCurrency, BigDecimal reportingRate, String homeCurrency,
            Map<String, BigDecimal> exchangeRates, Long snapshotId) {

        /**
         * What the amounts converted with this conversion depend on, as canonical JSON text (stored as
         * {@code pipeline_sync_state.conversion_basis}): the reporting currency and rate, the home currency and the
         * snapshot's rates (for deals without their own {@code Exchange_Rate}); not the snapshot id, so that an
         * unchanged set of rates is the same basis. ISO codes are [A-Z]{3}, rates plain decimals: no escaping.
         */
        public String basis() {
            StringBuilder rates = new StringBuilder();
            new TreeMap<>(exchangeRates).forEach((code, rate) -> rates.append(rates.isEmpty() ? "" : ",")
                    .append('"').append(code).append("\":\"").append(plain(rate)).append('"'));
            return "{\"reporting_currency\":\"" + reportingCurrency + "\",\"reporting_rate\":\""
                    + plain(reportingRate) + "\",\"home_currency\":" + (homeCurrency == null ? "null"
                    : "\"" + homeCurrency + "\"") + ",\"rates\":{" + rates + "}}";
        }

        private static String plain(BigDecimal value) {
            return value.stripTrailingZeros().toPlainString();
        }

        /** No org currencies known: amounts are taken as they are and labelled with {@code reportingCurrency}. */
        public static Conversion identity(String reportingCurrency) {
            return new Conversion(reportingCurrency.trim().toUpperCase(Locale.ROOT), BigDecimal.ONE, null, Map.of(),
                    null);
        }
    }
}
