package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The dated snapshots of Zoho's organisation currencies ({@code pipeline_currency_snapshot} and its rates). */
@Component
public class CurrencySnapshots {

    private final JdbcClient jdbc;

    public CurrencySnapshots(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The snapshot in an {@code /org/currencies} answer: {@code currencies[]} with {@code iso_code},
     * {@code exchange_rate} (a string) and {@code is_base}. Empty when it names no home currency.
     */
    public static Optional<CurrencySnapshot> parse(JsonNode answer) {
        JsonNode currencies = answer == null ? null : answer.get("currencies");
        if (currencies == null || !currencies.isArray()) {
            return Optional.empty();
        }
        String home = null;
        Map<String, BigDecimal> rates = new LinkedHashMap<>();
        for (JsonNode currency : currencies) {
            String code = DealDerivation.text(currency, "iso_code");
            BigDecimal rate = DealDerivation.decimal(currency.get("exchange_rate"));
            if (code == null || !code.toUpperCase(Locale.ROOT).matches("[A-Z]{3}")) {
                continue;
            }
            if (currency.path("is_base").asBoolean(false)) {
                home = code;
                rate = BigDecimal.ONE;
            }
            if (rate != null && rate.signum() > 0) {
                rates.put(code, rate);
            }
        }
        return home == null ? Optional.empty() : Optional.of(new CurrencySnapshot(null, Instant.now(), home, rates));
    }

    /** Stores the snapshot (joining the caller's transaction) and returns it with its id. */
    public CurrencySnapshot save(CurrencySnapshot snapshot, UUID runId) {
        Long id = jdbc.sql("""
                insert into pipeline_currency_snapshot (taken_at, run_id, home_currency)
                values (:takenAt, :run, :home) returning id""")
                .param("takenAt", OffsetDateTime.ofInstant(snapshot.takenAt(), java.time.ZoneOffset.UTC))
                .param("run", runId).param("home", snapshot.homeCurrency())
                .query(Long.class).single();
        snapshot.exchangeRates().forEach((code, rate) -> jdbc.sql("""
                insert into pipeline_currency_rate (snapshot_id, iso_code, exchange_rate, is_base)
                values (:id, :code, :rate, :base)""")
                .param("id", id).param("code", code).param("rate", rate)
                .param("base", code.equals(snapshot.homeCurrency())).update());
        return new CurrencySnapshot(id, snapshot.takenAt(), snapshot.homeCurrency(), snapshot.exchangeRates());
    }

    /** The latest stored snapshot. */
    public Optional<CurrencySnapshot> latest() {
        return jdbc.sql("select id, taken_at, home_currency from pipeline_currency_snapshot order by taken_at desc, "
                + "id desc limit 1")
                .query((rs, n) -> new Object[] {rs.getLong("id"), rs.getObject("taken_at", OffsetDateTime.class),
                        rs.getString("home_currency")})
                .optional()
                .map(row -> {
                    Map<String, BigDecimal> rates = new LinkedHashMap<>();
                    jdbc.sql("select iso_code, exchange_rate from pipeline_currency_rate where snapshot_id = :id")
                            .param("id", row[0])
                            .query(rs -> {
                                rates.put(rs.getString("iso_code"), rs.getBigDecimal("exchange_rate"));
                            });
                    return new CurrencySnapshot((Long) row[0], ((OffsetDateTime) row[1]).toInstant(),
                            (String) row[2], rates);
                });
    }
}
