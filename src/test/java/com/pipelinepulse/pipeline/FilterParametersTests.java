package com.pipelinepulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pipelinepulse.web.ApiProblemException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FilterParametersTests {

    @Test
    void validFiltersAreNormalised() {
        DealFilters filters = new FilterParameters(" emea ", "4876876000000001", "Negotiation", "WON", "needs_update",
                "2026-01-01", "2026-01-31", "  acme ").validate();
        assertThat(filters).isEqualTo(new DealFilters("EMEA", "4876876000000001", "Negotiation", "won",
                Health.NEEDS_UPDATE, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31), "acme"));
        assertThat(new FilterParameters(null, "", " ", null, null, null, null, null).validate())
                .isEqualTo(DealFilters.NONE);
        assertThat(new FilterParameters(null, null, null, null, null, "2026-01-31", "2026-01-31", null).validate()
                .closingFrom()).isEqualTo(LocalDate.of(2026, 1, 31));
    }

    @ParameterizedTest
    @CsvSource({
            "region, EM EA", "region, 'EMEA;drop'", "owner_id, 'x y'", "status, closed", "status, 'open,won'",
            "health, ORANGE", "closing_from, 2026-1-01", "closing_from, 01/02/2026", "closing_to, 2026-02-30",
            "closing_to, +12026-01-01", "closing_to, 2026-01-01T00:00:00Z"})
    void everyBadValueIsA400NamingItsParameter(String parameter, String value) {
        Map<String, String> p = Map.of(parameter, value);
        FilterParameters params = new FilterParameters(p.get("region"), p.get("owner_id"), p.get("stage"),
                p.get("status"), p.get("health"), p.get("closing_from"), p.get("closing_to"), p.get("q"));
        assertThatThrownBy(params::validate).isInstanceOfSatisfying(ApiProblemException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.slug()).isEqualTo("validation-failed");
            assertThat(e.getMessage()).contains("'" + parameter + "'").doesNotContain(value);
            assertThat(e.properties().get("errors")).isEqualTo(List.of(Map.of("field", parameter, "message",
                    e.getMessage().substring(e.getMessage().indexOf("must"), e.getMessage().length() - 1))));
        });
    }

    @Test
    void closingFromAfterClosingToNamesClosingFromAndLongTextIsRefused() {
        assertThatThrownBy(() -> new FilterParameters(null, null, null, null, null, "2026-02-01", "2026-01-31", null)
                .validate()).isInstanceOfSatisfying(ApiProblemException.class,
                        e -> assertThat(e.getMessage()).contains("'closing_from'"));
        assertThatThrownBy(() -> new FilterParameters(null, null, null, null, null, null, null, "x".repeat(101))
                .validate()).isInstanceOfSatisfying(ApiProblemException.class,
                        e -> assertThat(e.getMessage()).contains("'q'"));
    }
}
