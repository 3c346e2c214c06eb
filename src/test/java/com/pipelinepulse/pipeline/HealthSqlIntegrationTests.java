package com.pipelinepulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pipelinepulse.pipeline.HealthEvaluator.DealHealth;
import com.pipelinepulse.pipeline.HealthEvaluator.HealthInput;
import com.pipelinepulse.pipeline.sync.DealIngestion;
import com.pipelinepulse.testsupport.IntegrationTest;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The health filter and counts run as SQL ({@link HealthSql}), the reasons per deal in Java
 * ({@link HealthEvaluator}): over 400 deals with milestones on both sides of every threshold, both say the same for
 * every deal, every reason, and with other thresholds than the defaults.
 */
@IntegrationTest
class HealthSqlIntegrationTests {

    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);
    private static final int[] OFFSETS = {-1, 0, 1, 7, 8, 14, 15, 30, 31, 45, 46, 60, 61, 120};
    private static final String[] STAGES = {"Qualification", "Negotiation", "Closed Won", "Closed Lost"};

    @Autowired
    JdbcClient jdbc;
    @Autowired
    DealIngestion ingestion;

    @AfterEach
    void cleanUp() {
        jdbc.sql("delete from pipeline_deal").update();
    }

    @Test
    void sqlAndEvaluatorAgreeOnEveryDealAndReason() {
        seed(400);
        for (HealthProperties thresholds : List.of(HealthProperties.defaults(),
                new HealthProperties(10, 20, 5, 30, 60, 40, 1))) {
            HealthEvaluator evaluator = new HealthEvaluator(thresholds);
            HealthSql sql = new HealthSql(thresholds);
            StringBuilder columns = new StringBuilder(sql.level() + " as level");
            for (HealthReason reason : HealthReason.values()) {
                columns.append(", coalesce(").append(sql.condition(reason)).append(", false) as ").append(reason.id());
            }
            Map<HealthReason, Integer> seen = new EnumMap<>(HealthReason.class);
            List<String> disagreements = new ArrayList<>();
            jdbc.sql("select d.*, " + columns + " from pipeline_deal d where not d.deleted")
                    .param("today", TODAY).query(rs -> {
                        OffsetDateTime modified = rs.getObject("modified_time", OffsetDateTime.class);
                        DealHealth health = evaluator.evaluate(new HealthInput(rs.getString("status"),
                                rs.getInt("o2r_phase"), rs.getBoolean("realized"),
                                (Integer) rs.getObject("probability"), rs.getObject("closing_date", LocalDate.class),
                                rs.getObject("proposal_date", LocalDate.class), rs.getObject("po_date", LocalDate.class),
                                rs.getObject("kickoff_date", LocalDate.class),
                                rs.getObject("invoice_date", LocalDate.class),
                                rs.getObject("payment_date", LocalDate.class),
                                modified.atZoneSameInstant(ZoneOffset.UTC).toLocalDate()), TODAY);
                        String level = health.health() == null ? null : health.health().name();
                        if (!java.util.Objects.equals(level, rs.getString("level"))) {
                            disagreements.add(rs.getString("id") + ": " + level + " vs " + rs.getString("level"));
                        }
                        if (health.health() != null) {
                            for (HealthReason reason : HealthReason.values()) {
                                boolean inSql = rs.getBoolean(reason.id());
                                if (inSql != health.reasons().contains(reason)) {
                                    disagreements.add(rs.getString("id") + ": " + reason.id());
                                }
                                if (inSql) {
                                    seen.merge(reason, 1, Integer::sum);
                                }
                            }
                        }
                    });
            assertThat(disagreements).as(thresholds.toString()).isEmpty();
            // The grid reaches every reason, so the comparison covers each of them.
            assertThat(seen.keySet()).as(thresholds.toString()).containsExactlyInAnyOrder(HealthReason.values());
        }
    }

    private void seed(int count) {
        Random random = new Random(17);
        List<JsonNode> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode r = PipelineTestSupport.JSON.createObjectNode();
            r.put("id", Integer.toString(70000 + i));
            r.put("Deal_Name", "Grid " + i);
            r.put("Amount", 1000 + i);
            r.put("Currency", "USD");
            r.put("Exchange_Rate", 1);
            r.put("Stage", STAGES[random.nextInt(STAGES.length)]);
            r.put("Probability", new int[] {0, 10, 20, 21, 50, 79, 80, 100}[random.nextInt(8)]);
            r.put("Closing_Date", date(random));
            r.putObject("Owner").put("id", "1").put("name", "Grid Owner").put("email", "grid@example.com");
            r.put("Region", "EMEA");
            // Later milestones only after earlier ones, as in practice; sometimes skipped.
            String proposal = date(random);
            r.put("Proposal_Submission_date", proposal);
            String po = proposal == null ? null : date(random);
            r.put("PO_Generation_Date", po);
            String kickoff = po == null ? null : date(random);
            r.put("Kick_off_Date", kickoff);
            String invoice = po == null ? null : date(random);
            r.put("Invoice_Date", invoice);
            r.put("Payment_Date", invoice == null ? null : date(random));
            r.put("OB_Recognition_Date", invoice != null && random.nextInt(6) == 0 ? invoice : null);
            r.put("Modified_Time", TODAY.minusDays(OFFSETS[random.nextInt(OFFSETS.length)])
                    .atTime(23, 30).atOffset(ZoneOffset.UTC).toString());
            records.add(r);
        }
        ingestion.store(records);
    }

    private static String date(Random random) {
        return random.nextInt(4) == 0 ? null : TODAY.minusDays(OFFSETS[random.nextInt(OFFSETS.length)]).toString();
    }
}
