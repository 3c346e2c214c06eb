package com.pipelinepulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class DealCsvWriterTests {

    private static DealView deal(String name, String account, BigDecimal amount, BigDecimal reporting) {
        return new DealView("123", name, account, new DealView.Owner("9", "Ann Owner"), "Negotiation", "open", 40,
                LocalDate.of(2026, 5, 31), "EUR", amount, reporting, new BigDecimal("0.40").multiply(reporting)
                        .setScale(2, java.math.RoundingMode.HALF_EVEN),
                "EMEA", null, 2, false, Health.RED, List.of("proposal_stalled", "stale"),
                Instant.parse("2026-03-01T10:15:30Z"));
    }

    private static String csv(DealView... deals) throws Exception {
        StringWriter out = new StringWriter();
        DealCsvWriter writer = new DealCsvWriter(out);
        writer.writeHeader();
        for (DealView d : deals) {
            writer.write(d);
        }
        return out.toString();
    }

    @Test
    void headerThenOneRowPerDealWithTwoDecimalAmountsAndJoinedReasons() throws Exception {
        String text = csv(deal("Grüße GmbH renewal", "Müller AG", new BigDecimal("1000"), new BigDecimal("1489.5")));
        assertThat(text.split("\r\n")).containsExactly(
                "id,name,account,owner,stage,status,probability,closing_date,currency,amount,amount_reporting,"
                        + "weighted_amount_reporting,region,forecast_category,o2r_phase,realized,health,health_reasons,"
                        + "modified_time",
                "123,Grüße GmbH renewal,Müller AG,Ann Owner,Negotiation,open,40,2026-05-31,EUR,1000.00,1489.50,595.80,"
                        + "EMEA,,2,false,RED,proposal_stalled;stale,2026-03-01T10:15:30Z");
    }

    @Test
    void formulaLookingTextIsNeutralisedAndQuotedWhenNeeded() throws Exception {
        String text = csv(deal("=HYPERLINK(\"http://evil\",\"x\")", "@SUM(A1:A9)", null, BigDecimal.ZERO),
                deal("+1, \"quoted\"", "-2\nlines", new BigDecimal("-5"), new BigDecimal("-7.125")));
        String[] rows = text.split("\r\n");
        assertThat(rows[1]).startsWith("123,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'@SUM(A1:A9),Ann Owner,")
                .contains(",EUR,,0.00,0.00,");
        // Amounts are numbers we write: a negative one stays a number.
        assertThat(rows[2]).startsWith("123,\"'+1, \"\"quoted\"\"\",\"'-2\nlines\",").contains(",EUR,-5.00,-7.12,");
    }
}
