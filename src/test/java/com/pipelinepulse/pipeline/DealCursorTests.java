package com.pipelinepulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pipelinepulse.web.ApiProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DealCursorTests {

    @Test
    void roundTripsForItsOwnOrderOnly() {
        DealOrder amountDesc = DealOrder.parse("-amount");
        DealCursor cursor = new DealCursor(amountDesc, "1234.50", "4876876000000123");
        assertThat(DealCursor.decode(cursor.encode(), amountDesc)).contains(cursor);
        assertThat(DealCursor.decode(cursor.encode(), DealOrder.parse("amount"))).isEmpty();
        DealOrder closing = DealOrder.parse("closing_date");
        DealCursor noDate = new DealCursor(closing, "infinity", "7");
        assertThat(DealCursor.decode(noDate.encode(), closing)).contains(noDate);
        DealOrder modified = DealOrder.parse("modified");
        DealCursor at = new DealCursor(modified, "2026-03-01T10:15:30.123456Z", "7");
        assertThat(DealCursor.decode(at.encode(), modified)).contains(at);
    }

    @Test
    void refusesAnythingItDidNotIssue() {
        DealOrder order = DealOrder.DEFAULT;
        assertThat(DealCursor.decode("%%%", order)).isEmpty();
        assertThat(DealCursor.decode("bm90LWEtY3Vyc29y", order)).isEmpty();
        assertThat(DealCursor.decode(b64("d1|-amount|12x|7"), order)).isEmpty();
        assertThat(DealCursor.decode(b64("d1|-amount|12|7'; drop table deal"), order)).isEmpty();
        assertThat(DealCursor.decode(b64("d1|closing_date|2026-02-30|7"), DealOrder.parse("closing_date"))).isEmpty();
        assertThat(DealCursor.decode(b64("d1|-amount|12"), order)).isEmpty();
    }

    @Test
    void sortsParseWithOptionalMinusAndUnknownOnesAreA400NamingSort() {
        assertThat(DealOrder.parse(null)).isEqualTo(DealOrder.DEFAULT);
        assertThat(DealOrder.parse("closing_date")).isEqualTo(new DealOrder(DealOrder.Key.CLOSING_DATE, false));
        assertThat(DealOrder.parse("-modified")).isEqualTo(new DealOrder(DealOrder.Key.MODIFIED, true));
        assertThatThrownBy(() -> DealOrder.parse("name")).isInstanceOfSatisfying(ApiProblemException.class,
                e -> assertThat(e.getMessage()).contains("'sort'"));
    }

    private static String b64(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
