package com.pipelinepulse.pipeline;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Writes deals as CSV (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma, quote
 * or line break). Money has a dot and two decimals. Text cells that a spreadsheet would run as a formula
 * (starting with {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return) are prefixed with {@code '}
 * (OWASP "CSV injection"); numbers, dates and our own enumerations are written by us and left as they are.
 */
final class DealCsvWriter {

    static final List<String> HEADER = List.of("id", "name", "account", "owner", "stage", "status", "probability",
            "closing_date", "currency", "amount", "amount_reporting", "weighted_amount_reporting", "region",
            "forecast_category", "o2r_phase", "realized", "health", "health_reasons", "modified_time");

    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);

    DealCsvWriter(Writer out) {
        this.out = out;
    }

    void writeHeader() throws IOException {
        out.write(String.join(",", HEADER));
        out.write("\r\n");
    }

    void write(DealView deal) throws IOException {
        line.setLength(0);
        text(deal.id()).text(deal.name()).text(deal.account()).text(deal.owner() == null ? null : deal.owner().name())
                .text(deal.stage()).plain(deal.status())
                .plain(deal.probability() == null ? null : deal.probability().toString())
                .plain(deal.closingDate() == null ? null : deal.closingDate().toString()).text(deal.currency())
                .plain(money(deal.amount())).plain(money(deal.amountReporting()))
                .plain(money(deal.weightedAmountReporting())).text(deal.region()).text(deal.forecastCategory())
                .plain(Integer.toString(deal.o2rPhase())).plain(Boolean.toString(deal.realized()))
                .plain(deal.health() == null ? null : deal.health().name())
                .plain(String.join(";", deal.healthReasons()))
                .plain(deal.modifiedTime() == null ? null : deal.modifiedTime().toString());
        line.setLength(line.length() - 1); // the last separator
        line.append("\r\n");
        out.append(line);
    }

    static String money(BigDecimal value) {
        return value == null ? null : value.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** A cell that came from Zoho (people type it): neutralised and quoted as needed. */
    private DealCsvWriter text(String value) {
        return plain(value == null || value.isEmpty() ? value : neutralised(value));
    }

    private DealCsvWriter plain(String value) {
        if (value != null) {
            if (needsQuotes(value)) {
                line.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                line.append(value);
            }
        }
        line.append(',');
        return this;
    }

    static String neutralised(String value) {
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }
}
