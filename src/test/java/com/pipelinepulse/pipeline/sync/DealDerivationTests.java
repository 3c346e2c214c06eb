package com.pipelinepulse.pipeline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.identity.RegionMapper;
import com.pipelinepulse.identity.RegionMapper.OwnerRegions;
import com.pipelinepulse.pipeline.sync.CurrencySnapshot.Conversion;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DealDerivationTests {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The region mapping of application.yml, in small: region names and a few countries. */
    private static final RegionMapper REGIONS = new RegionMapper() {
        private final Map<String, String> countries = Map.of("germany", "EMEA", "us", "AMER",
                "united states", "AMER", "in", "APAC", "india", "APAC");

        @Override
        public Optional<String> regionOf(String value) {
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            String key = value.trim().toLowerCase(Locale.ROOT);
            if (Map.of("amer", 1, "emea", 1, "apac", 1).containsKey(key)) {
                return Optional.of(key.toUpperCase(Locale.ROOT));
            }
            return Optional.ofNullable(countries.get(key));
        }

        @Override
        public OwnerRegions ownerRegions() {
            throw new UnsupportedOperationException();
        }
    };

    private static final OwnerRegions OWNERS = new OwnerRegions(Map.of("7001", "EMEA"),
            Map.of("apac.rep@example.com", "APAC"));

    /** Home USD; 1 USD = 1.3412 SGD = 83.1234 INR. */
    private static final CurrencySnapshot SNAPSHOT = new CurrencySnapshot(42L, Instant.parse("2026-11-30T00:00:00Z"),
            "USD", Map.of("SGD", new BigDecimal("1.3412"), "INR", new BigDecimal("83.1234"),
                    "EUR", new BigDecimal("0.9211")));

    private final DealDerivation derivation = new DealDerivation(PipelineSyncProperties.defaults(), REGIONS);
    private final Conversion toSgd = SNAPSHOT.conversionTo("SGD");

    @Test
    void anInrDealReachesSgdThroughTheUsdHomeWithTheDealsOwnRateToTheCent() throws Exception {
        // The deal's Exchange_Rate (82.5, at its last change) is used, not today's INR rate (83.1234):
        // 1,250,000 INR / 82.5 = 15,151.515151... USD; x 1.3412 = 20,321.212121... SGD -> 20,321.21.
        // Weighted at 35 %: 20,321.21 x 0.35 = 7,112.4235 -> 7,112.42.
        DerivedDeal deal = derive("""
                {"id":"1","Amount":1250000,"Currency":"INR","Exchange_Rate":82.5,"Probability":35,"Stage":"Proposal"}
                """);
        assertThat(deal.amountReporting()).isEqualByComparingTo("20321.21");
        assertThat(deal.amountReporting().scale()).isEqualTo(2);
        assertThat(deal.weightedAmountReporting()).isEqualByComparingTo("7112.42");
        assertThat(deal.reportingCurrency()).isEqualTo("SGD");
        assertThat(deal.currencySnapshotId()).isEqualTo(42L);
        assertThat(deal.amount()).isEqualByComparingTo("1250000");
        assertThat(deal.exchangeRate()).isEqualByComparingTo("82.5");
    }

    @Test
    void roundingIsHalfEvenOnTheRoundedAmount() throws Exception {
        // 100.25 SGD at 50 % = 50.125 -> 50.12 (half-even; half-up would say 50.13).
        DerivedDeal deal = derive("""
                {"id":"2","Amount":100.25,"Currency":"SGD","Exchange_Rate":1.3412,"Probability":50}
                """);
        assertThat(deal.amountReporting()).isEqualByComparingTo("100.25");
        assertThat(deal.weightedAmountReporting()).isEqualByComparingTo("50.12");
        // 0.125 USD -> 0.125 x 1 = 0.125 -> 0.12; in SGD through 1.3412: 0.16765 -> 0.17.
        DerivedDeal small = derive("""
                {"id":"3","Amount":0.125,"Currency":"USD","Probability":100}""");
        assertThat(small.amountReporting()).isEqualByComparingTo("0.17");
        assertThat(derivation.derive(JSON.readTree("""
                {"id":"3","Amount":0.125,"Currency":"USD"}"""), SNAPSHOT.conversionTo("USD"), OWNERS)
                .amountReporting()).isEqualByComparingTo("0.12");
    }

    @Test
    void aHomeCurrencyDealWithoutExchangeRateUsesOneAndAForeignOneTheSnapshotRate() throws Exception {
        assertThat(derive("""
                {"id":"4","Amount":1000,"Currency":"USD"}""").amountReporting()).isEqualByComparingTo("1341.20");
        assertThat(derive("""
                {"id":"5","Amount":1000}""").amountReporting()).isEqualByComparingTo("1341.20");
        // 1000 EUR / 0.9211 x 1.3412 = 1456.0851...
        assertThat(derive("""
                {"id":"6","Amount":1000,"Currency":"EUR"}""").amountReporting()).isEqualByComparingTo("1456.09");
    }

    @Test
    void aDealWithoutAmountCountsWithZero() throws Exception {
        DerivedDeal deal = derive("""
                {"id":"7","Amount":null,"Currency":"INR","Exchange_Rate":82.5,"Probability":90}""");
        assertThat(deal.amount()).isNull();
        assertThat(deal.amountReporting()).isEqualByComparingTo("0.00");
        assertThat(deal.weightedAmountReporting()).isEqualByComparingTo("0.00");
    }

    @Test
    void anUnknownReportingCurrencyGivesFiguresInTheHomeCurrency() throws Exception {
        Conversion toJpy = SNAPSHOT.conversionTo("JPY");
        DerivedDeal deal = derivation.derive(JSON.readTree("""
                {"id":"8","Amount":1650,"Currency":"INR","Exchange_Rate":82.5}"""), toJpy, OWNERS);
        assertThat(deal.reportingCurrency()).isEqualTo("USD");
        assertThat(deal.amountReporting()).isEqualByComparingTo("20.00");
        assertThat(SNAPSHOT.conversionTo("usd").reportingRate()).isEqualByComparingTo("1");
    }

    @Test
    void statusComesFromTheConfiguredStages() throws Exception {
        assertThat(derive("{\"id\":\"9\",\"Stage\":\"Closed Won\"}").status()).isEqualTo("won");
        assertThat(derive("{\"id\":\"9\",\"Stage\":\"closed lost\"}").status()).isEqualTo("lost");
        assertThat(derive("{\"id\":\"9\",\"Stage\":\"Closed-Lost to Competition\"}").status()).isEqualTo("lost");
        assertThat(derive("{\"id\":\"9\",\"Stage\":\"Negotiation\"}").status()).isEqualTo("open");
        assertThat(derive("{\"id\":\"9\"}").status()).isEqualTo("open");
    }

    @Test
    void regionFromTheFieldThenTheOwnerElseUnassigned() throws Exception {
        assertThat(derive("{\"id\":\"a\",\"Region\":\"emea\"}").region()).isEqualTo("EMEA");
        assertThat(derive("{\"id\":\"a\",\"Region\":\"Germany\"}").region()).isEqualTo("EMEA");
        assertThat(derive("{\"id\":\"a\",\"Region\":\"IN\"}").region()).isEqualTo("APAC");
        // Unmapped value: UNASSIGNED, even when the owner is one of ours.
        assertThat(derive("{\"id\":\"a\",\"Region\":\"USA\",\"Owner\":{\"id\":\"7001\"}}").region())
                .isEqualTo("UNASSIGNED");
        // Empty: the owner's region, by Zoho user id, then email.
        assertThat(derive("{\"id\":\"a\",\"Region\":\"\",\"Owner\":{\"id\":\"7001\"}}").region()).isEqualTo("EMEA");
        assertThat(derive("{\"id\":\"a\",\"Owner\":{\"id\":\"1\",\"email\":\"APAC.rep@example.com\"}}").region())
                .isEqualTo("APAC");
        assertThat(derive("{\"id\":\"a\",\"Region\":null,\"Owner\":{\"id\":\"1\",\"email\":\"x@example.com\"}}")
                .region()).isEqualTo("UNASSIGNED");
        assertThat(derive("{\"id\":\"a\",\"Region\":{\"name\":\"APAC\",\"id\":\"5\"}}").region()).isEqualTo("APAC");
    }

    @Test
    void o2rPhaseIsTheFurthestMilestoneAndRealizedTheRecognitionDate() throws Exception {
        assertThat(derive("{\"id\":\"o\"}").o2rPhase()).isEqualTo(1);
        assertThat(derive("{\"id\":\"o\",\"Proposal_Submission_date\":\"2026-01-05\"}").o2rPhase()).isEqualTo(2);
        DerivedDeal execution = derive("""
                {"id":"o","Proposal_Submission_date":"2026-01-05","PO_Generation_Date":"2026-02-01",
                 "Kick_off_Date":"2026-02-10"}""");
        assertThat(execution.o2rPhase()).isEqualTo(3);
        assertThat(execution.kickoffDate()).isEqualTo(LocalDate.of(2026, 2, 10));
        DerivedDeal revenue = derive("""
                {"id":"o","Proposal_Submission_date":"2026-01-05","PO_Generation_Date":"2026-02-01",
                 "Invoice_Date":"2026-03-01","Payment_Date":"2026-03-20","OB_Recognition_Date":"2026-03-31"}""");
        assertThat(revenue.o2rPhase()).isEqualTo(4);
        assertThat(revenue.realized()).isTrue();
        assertThat(revenue.paymentDate()).isEqualTo(LocalDate.of(2026, 3, 20));
        assertThat(execution.realized()).isFalse();
    }

    @Test
    void fieldsAreReadFromTheRecord() throws Exception {
        DerivedDeal deal = derive("""
                {"id":"4876876000000123456","Deal_Name":"Acme renewal","Stage":"Negotiation","Probability":"60",
                 "Closing_Date":"2026-12-31","Owner":{"id":"7001","name":"Erik Viewer","email":"erik@example.com"},
                 "Account_Name":{"id":"55","name":"Acme"},"Forecast_Category__s":"Pipeline",
                 "Created_Time":"2026-01-02T03:04:05+05:30","Modified_Time":"2026-11-30T10:00:00+00:00"}""");
        assertThat(deal.id()).isEqualTo("4876876000000123456");
        assertThat(deal.name()).isEqualTo("Acme renewal");
        assertThat(deal.accountName()).isEqualTo("Acme");
        assertThat(deal.accountId()).isEqualTo("55");
        assertThat(deal.ownerName()).isEqualTo("Erik Viewer");
        assertThat(deal.probability()).isEqualTo(60);
        assertThat(deal.closingDate()).isEqualTo(LocalDate.of(2026, 12, 31));
        assertThat(deal.forecastCategory()).isEqualTo("Pipeline");
        assertThat(deal.createdTime().toInstant()).isEqualTo(Instant.parse("2026-01-01T21:34:05Z"));
        assertThat(deal.modifiedTime().toInstant()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
        assertThat(deal.zohoRecord().get("Deal_Name").asText()).isEqualTo("Acme renewal");
    }

    @Test
    void theSnapshotIsReadFromZohosCurrenciesAnswer() throws Exception {
        JsonNode answer = JSON.readTree("""
                {"currencies":[{"iso_code":"USD","exchange_rate":"1.000000000","is_base":true,"is_active":true},
                 {"iso_code":"INR","exchange_rate":"83.123400000","is_base":false},
                 {"iso_code":"SGD","exchange_rate":"1.341200000","is_base":false}]}""");
        CurrencySnapshot snapshot = CurrencySnapshots.parse(answer).orElseThrow();
        assertThat(snapshot.homeCurrency()).isEqualTo("USD");
        assertThat(snapshot.exchangeRates().get("INR")).isEqualByComparingTo("83.1234");
        assertThat(snapshot.conversionTo("SGD").reportingRate()).isEqualByComparingTo("1.3412");
        assertThat(CurrencySnapshots.parse(JSON.readTree("{\"currencies\":[]}"))).isEmpty();
    }

    private DerivedDeal derive(String record) throws Exception {
        return derivation.derive(JSON.readTree(record), toSgd, OWNERS);
    }
}
