package com.pipelinepulse.pipeline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.testsupport.IntegrationTest;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@IntegrationTest
class DealIngestionIntegrationTests {

    @Autowired
    DealIngestion ingestion;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper objectMapper;

    @BeforeEach
    void clean() {
        jdbc.sql("delete from pipeline_deal where id like 'ingest-%'").update();
        jdbc.sql("delete from app_user where zoho_user_id = 'ingest-owner'").update();
    }

    @Test
    void recordsAreStoredWithEverythingDerived() throws Exception {
        jdbc.sql("""
                insert into app_user (zoho_user_id, email, display_name, region, role)
                values ('ingest-owner', 'Ingest.Owner@example.com', 'Ingest Owner', 'EMEA', 'viewer')""").update();
        ingestion.storeCurrencies("USD", Map.of("SGD", new BigDecimal("1.3412"), "INR", new BigDecimal("83.1234")));

        ingestion.store(List.of(record("""
                {"id":"ingest-1","Deal_Name":"Mumbai rollout","Amount":1250000,"Currency":"INR","Exchange_Rate":82.5,
                 "Stage":"Negotiation","Probability":35,"Closing_Date":"2026-12-31",
                 "Owner":{"id":"7000000000000099","name":"Ingest Owner","email":"ingest.owner@example.com"},
                 "Account_Name":{"id":"A1","name":"Acme India"},"Forecast_Category__s":"Pipeline","Region":null,
                 "Proposal_Submission_date":"2026-10-01","PO_Generation_Date":"2026-11-01",
                 "Created_Time":"2026-09-01T09:00:00+05:30","Modified_Time":"2026-11-30T10:00:00+00:00"}"""),
                record("""
                {"id":"ingest-2","Deal_Name":"No amount","Stage":"Closed Lost","Region":"Atlantis",
                 "Modified_Time":"2026-11-30T11:00:00+00:00"}""")));

        Map<String, Object> row = jdbc.sql("select * from pipeline_deal where id = 'ingest-1'").query().singleRow();
        assertThat((BigDecimal) row.get("amount_reporting")).isEqualByComparingTo("20321.21");
        assertThat((BigDecimal) row.get("weighted_amount_reporting")).isEqualByComparingTo("7112.42");
        assertThat(row.get("reporting_currency")).isEqualTo("SGD");
        assertThat(row.get("region")).isEqualTo("EMEA");
        assertThat(row.get("status")).isEqualTo("open");
        assertThat(((Number) row.get("o2r_phase")).intValue()).isEqualTo(3);
        assertThat(row.get("realized")).isEqualTo(false);
        assertThat(row.get("account_name")).isEqualTo("Acme India");
        assertThat(row.get("closing_date").toString()).isEqualTo(LocalDate.of(2026, 12, 31).toString());
        assertThat(row.get("deleted")).isEqualTo(false);
        JsonNode stored = objectMapper.readTree(row.get("zoho_record").toString());
        assertThat(stored.path("Account_Name").path("name").asText()).isEqualTo("Acme India");

        Map<String, Object> lost = jdbc.sql("select * from pipeline_deal where id = 'ingest-2'").query().singleRow();
        assertThat(lost.get("amount")).isNull();
        assertThat((BigDecimal) lost.get("amount_reporting")).isEqualByComparingTo("0.00");
        assertThat(lost.get("status")).isEqualTo("lost");
        assertThat(lost.get("region")).isEqualTo("UNASSIGNED");
    }

    @Test
    void storingAgainReplacesTheRowAndADeletionTakesItOutUntilItComesBack() throws Exception {
        ingestion.store(List.of(record("""
                {"id":"ingest-3","Deal_Name":"First","Stage":"Qualification","Amount":10,
                 "Modified_Time":"2026-11-01T00:00:00+00:00"}""")));
        ingestion.store(List.of(record("""
                {"id":"ingest-3","Deal_Name":"Second","Stage":"Closed Won","Amount":20,
                 "Modified_Time":"2026-11-02T00:00:00+00:00"}""")));
        assertThat(jdbc.sql("select count(*) from pipeline_deal where id = 'ingest-3'").query(Integer.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("select name || '/' || status from pipeline_deal where id = 'ingest-3'")
                .query(String.class).single()).isEqualTo("Second/won");

        // Deleted before its last change: a restored deal stays live.
        assertThat(ingestion.markDeleted(List.of("ingest-3"), Instant.parse("2026-11-01T12:00:00Z"))).isZero();
        assertThat(ingestion.markDeleted(List.of("ingest-3", "ingest-unknown"), Instant.parse("2026-11-03T00:00:00Z")))
                .isEqualTo(1);
        assertThat(jdbc.sql("select deleted from pipeline_deal where id = 'ingest-3'").query(Boolean.class).single())
                .isTrue();

        ingestion.store(List.of(record("""
                {"id":"ingest-3","Deal_Name":"Restored","Stage":"Closed Won","Amount":20,
                 "Modified_Time":"2026-11-04T00:00:00+00:00"}""")));
        assertThat(jdbc.sql("select deleted from pipeline_deal where id = 'ingest-3'").query(Boolean.class).single())
                .isFalse();
    }

    private JsonNode record(String json) throws Exception {
        return objectMapper.readTree(json);
    }
}
