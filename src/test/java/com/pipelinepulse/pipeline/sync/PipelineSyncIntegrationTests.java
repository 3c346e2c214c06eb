package com.pipelinepulse.pipeline.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoCrmPipeline.Call;
import com.pipelinepulse.testsupport.ZohoCrmPipeline.Fault;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The sync against the Zoho stand-in's CRM: paging, incremental reads, deletions, currencies, and every fault
 * resuming without loss or duplication. Runs are started as an admin would (POST /api/admin/pipeline/sync) and
 * awaited in the database.
 */
@ZohoIntegrationTest
class PipelineSyncIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenCipher cipher;
    @Autowired
    com.pipelinepulse.identity.UserDirectory users;
    @Autowired
    com.pipelinepulse.session.SessionOpener opener;
    @Autowired
    ObjectMapper json;
    @Autowired
    MeterRegistry meters;
    @Autowired
    SyncRunner runner;
    @Autowired
    SyncRunLog runLog;
    @Autowired
    SyncState state;
    @Autowired
    net.javacrumbs.shedlock.core.LockProvider locks;
    @Autowired
    PipelineSyncMetrics syncMetrics;

    SyncFixture fixture;
    TestSessions sessions;
    TestSessions.SignedIn admin;

    @BeforeEach
    void setUp() throws Exception {
        sessions = new TestSessions(users, opener, jdbc, mvc);
        fixture = new SyncFixture(jdbc, cipher, sessions);
        fixture.clean();
        fixture.syncAccount();
        admin = sessions.signIn(Role.ADMIN);
    }

    @Test
    void twoThousandSixHundredDealsArriveCompleteThroughPageThenPageToken() throws Exception {
        fixture.crm.generate(2600, 26L);
        double succeededBefore = meters.counter("pipelinepulse.pipeline.sync.runs", "outcome", "succeeded",
                "mode", "incremental").count();

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("succeeded");
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.rows()).isEqualTo(2600);
        List<Call> deals = dealsCalls();
        assertThat(deals).hasSize(13);
        assertThat(deals.subList(0, 10)).extracting(Call::page).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(deals.subList(0, 10)).extracting(Call::pageToken).containsOnlyNulls();
        assertThat(deals.subList(10, 13)).extracting(Call::page).containsOnlyNulls();
        assertThat(deals.subList(10, 13)).extracting(Call::pageToken).doesNotContainNull();
        assertThat(deals).extracting(Call::status).containsOnly(200);
        assertThat(deals).extracting(Call::ifModifiedSince).containsOnlyNulls();
        assertThat(counters(run)).containsExactly(2600, 2600, 0, 13, 15);
        // The cursor is the greatest Modified_Time: everything up to it is stored.
        Instant newest = fixture.crm.dealIds().stream()
                .map(id -> OffsetDateTime.parse(fixture.crm.record(id).get("Modified_Time").asText()).toInstant())
                .max(Instant::compareTo).orElseThrow();
        assertThat(fixture.modifiedCursor()).isEqualTo(newest);
        assertThat(meters.counter("pipelinepulse.pipeline.sync.runs", "outcome", "succeeded", "mode", "incremental")
                .count()).isEqualTo(succeededBefore + 1);
    }

    @Test
    void anIncrementalRunAfterThreeChangesAndTwoDeletionsReadsOnlyThoseAndEndsWithExactlyTheRightRows()
            throws Exception {
        fixture.crm.generate(450, 3L);
        fixture.awaitRun(sync("incremental"));
        List<String> ids = fixture.crm.dealIds();
        Instant cursor = fixture.modifiedCursor();
        fixture.crm.modify(ids.get(0), r -> r.put("Stage", "Closed Won").put("Amount", 1000));
        fixture.crm.modify(ids.get(100), r -> r.put("Deal_Name", "Renamed in Zoho"));
        fixture.crm.modify(ids.get(449), r -> r.put("Stage", "Closed Lost"));
        fixture.crm.delete(ids.get(5));
        fixture.crm.delete(ids.get(200));
        fixture.crm.clearCalls();

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("succeeded");
        List<Call> deals = dealsCalls();
        assertThat(deals).hasSizeLessThanOrEqualTo(2);
        assertThat(deals.get(0).ifModifiedSince()).isEqualTo(SyncRunner.IF_MODIFIED_SINCE.format(
                cursor.atOffset(java.time.ZoneOffset.UTC)));
        assertThat(fixture.crm.callsTo("Deals/deleted")).isEqualTo(1);
        assertThat(counters(run)).containsExactly(3, 3, 2, 2, 3);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.rows()).isEqualTo(450);
        assertThat(jdbc.sql("select id from pipeline_deal where deleted order by id").query(String.class).list())
                .containsExactlyElementsOf(sorted(List.of(ids.get(5), ids.get(200))));
        assertThat(row(ids.get(0), "status")).isEqualTo("won");
        assertThat(row(ids.get(100), "name")).isEqualTo("Renamed in Zoho");
        assertThat(row(ids.get(449), "status")).isEqualTo("lost");
        // Every live row is the deal as Zoho has it now (jsonb keeps the values; numbers compared as numbers).
        for (String id : fixture.crm.dealIds()) {
            com.fasterxml.jackson.databind.JsonNode stored = json.readTree(row(id, "zoho_record").toString());
            com.fasterxml.jackson.databind.JsonNode zoho = fixture.crm.record(id);
            assertThat(stored.get("Deal_Name").asText()).as(id).isEqualTo(zoho.get("Deal_Name").asText());
            assertThat(stored.get("Stage").asText()).as(id).isEqualTo(zoho.get("Stage").asText());
            assertThat(stored.get("Modified_Time").asText()).as(id).isEqualTo(zoho.get("Modified_Time").asText());
            assertThat(stored.get("Amount").decimalValue()).as(id)
                    .isEqualByComparingTo(zoho.get("Amount").decimalValue());
        }
    }

    @Test
    void aSecondRunGets304AndChangesNothing() throws Exception {
        fixture.crm.generate(300, 4L);
        fixture.crm.delete(fixture.crm.dealIds().get(7));
        fixture.awaitRun(sync("incremental"));
        String before = fixture.digest();
        Instant cursor = fixture.modifiedCursor();
        fixture.crm.clearCalls();

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("succeeded");
        assertThat(dealsCalls()).extracting(Call::status).containsExactly(304);
        assertThat(fixture.crm.calls().stream().filter(c -> c.endpoint().equals("Deals/deleted")))
                .extracting(Call::status).containsExactly(304);
        assertThat(counters(run)).containsExactly(0, 0, 0, 0, 3);
        assertThat(fixture.digest()).isEqualTo(before);
        assertThat(fixture.modifiedCursor()).isEqualTo(cursor);
    }

    @Test
    void anInrDealReachesSgdThroughTheUsdHomeToTheCent() throws Exception {
        fixture.crm.currencies("USD", Map.of("SGD", "1.341200000", "INR", "83.123400000"));
        Map<String, Object> deal = new LinkedHashMap<>();
        deal.put("id", "4876876000000999001");
        deal.put("Deal_Name", "Mumbai rollout");
        deal.put("Amount", new BigDecimal("1250000"));
        deal.put("Currency", "INR");
        deal.put("Exchange_Rate", new BigDecimal("82.500000000"));
        deal.put("Stage", "Negotiation/Review");
        deal.put("Probability", 35);
        deal.put("Region", "IN");
        fixture.crm.put(deal);

        fixture.awaitRun(sync("incremental"));

        // 1,250,000 INR / 82.5 (the deal's own rate) = 15,151.5151... USD; x 1.3412 = 20,321.2121... SGD.
        Map<String, Object> row = jdbc.sql("select * from pipeline_deal where id = '4876876000000999001'").query()
                .singleRow();
        assertThat((BigDecimal) row.get("amount_reporting")).isEqualByComparingTo("20321.21");
        // 20,321.21 x 35 % = 7,112.4235 -> 7,112.42.
        assertThat((BigDecimal) row.get("weighted_amount_reporting")).isEqualByComparingTo("7112.42");
        assertThat(row.get("reporting_currency")).isEqualTo("SGD");
        assertThat(row.get("region")).isEqualTo("APAC");
        assertThat(jdbc.sql("""
                select r.exchange_rate from pipeline_currency_rate r join pipeline_currency_snapshot s
                  on s.id = r.snapshot_id where r.iso_code = 'SGD' and s.home_currency = 'USD'""")
                .query(BigDecimal.class).single()).isEqualByComparingTo("1.3412");
    }

    @Test
    void a429MidRunEndsItThrottledAndTheNextRunResumesWithNothingLostOrDoubled() throws Exception {
        fixture.crm.generate(2600, 429L);
        fixture.crm.failDealsPage(4, Fault.tooManyRequests(0));

        Map<String, Object> throttled = fixture.awaitRun(sync("incremental"));

        assertThat(throttled.get("outcome")).isEqualTo("throttled");
        assertThat(throttled.get("retry_after")).isNotNull();
        assertThat(counters(throttled).subList(0, 4)).containsExactly(600, 600, 0, 3);
        assertThat(fixture.rows()).isEqualTo(600);
        Instant cursor = fixture.modifiedCursor();
        fixture.crm.clearCalls();

        Map<String, Object> resumed = fixture.awaitRun(sync("incremental"));

        assertThat(resumed.get("outcome")).isEqualTo("succeeded");
        assertThat(dealsCalls().get(0).ifModifiedSince()).isEqualTo(SyncRunner.IF_MODIFIED_SINCE.format(
                cursor.atOffset(java.time.ZoneOffset.UTC)));
        // Only what the first run did not store, give or take the deals of the cursor's own second.
        assertThat(((Number) resumed.get("fetched")).intValue()).isBetween(2000, 2010);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.rows()).isEqualTo(2600);
    }

    @Test
    void zohosThrottleBodyEndsTheRunThrottledToo() throws Exception {
        fixture.crm.generate(500, 5L);
        fixture.crm.failDealsPage(2, Fault.throttleBody());

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("throttled");
        assertThat(fixture.rows()).isEqualTo(200);
        // No Retry-After in Zoho's body: the default wait applies, and a manual run is refused meanwhile.
        Instant retryAfter = ((java.sql.Timestamp) run.get("retry_after")).toInstant();
        assertThat(retryAfter).isAfter(Instant.now().plusSeconds(30));
        mvc.perform(post("/api/admin/pipeline/sync").header("Authorization", admin.bearer()))
                .andExpect(status().isConflict())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header()
                        .exists("Retry-After"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.type")
                        .value("urn:pipeline-pulse:problem:sync-throttled"));
        assertThat(jdbc.sql("select count(*) from pipeline_sync_run").query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aPassing5xxIsRetriedWithinTheRun() throws Exception {
        fixture.crm.generate(500, 6L);
        fixture.crm.failDealsPage(2, Fault.serverError());

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("succeeded");
        // currencies, Deals pages 1, 2 (500), 2 again, 3, deleted.
        assertThat(counters(run)).containsExactly(500, 500, 0, 3, 6);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
    }

    @Test
    void a5xxThatOutlastsTheRetriesFailsTheRunAndTheNextRunResumesWithNothingLostOrDoubled() throws Exception {
        fixture.crm.generate(1000, 7L);
        for (int i = 0; i < 3; i++) {
            fixture.crm.failDealsPage(3, Fault.serverError());
        }

        Map<String, Object> failed = fixture.awaitRun(sync("incremental"));

        assertThat(failed.get("outcome")).isEqualTo("failed");
        assertThat((String) failed.get("error_detail")).contains("HTTP 500");
        assertThat(fixture.rows()).isEqualTo(400);

        Map<String, Object> resumed = fixture.awaitRun(sync("incremental"));

        assertThat(resumed.get("outcome")).isEqualTo("succeeded");
        assertThat(((Number) resumed.get("fetched")).intValue()).isBetween(600, 610);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.rows()).isEqualTo(1000);
    }

    @Test
    void aRunWhoseInstanceDiedMidRunIsTakenOverByTheNextRunWithNothingLostOrDoubled() throws Exception {
        fixture.crm.generate(1200, 8L);
        // What a killed instance leaves behind: the pages it stored (and the cursor past them), its run row still
        // 'running' and its lock row, which expires sync-lock-timeout after its last stored page.
        fixture.crm.failDealsPage(3, Fault.tooManyRequests(0));
        UUID dead = fixture.awaitRun(sync("incremental")).get("id") instanceof UUID id ? id : null;
        jdbc.sql("""
                update pipeline_sync_run set outcome = 'running', finished_at = null, retry_after = null,
                       error_detail = null, instance = 'killed-instance' where id = :id""").param("id", dead).update();
        jdbc.sql("""
                insert into shedlock (name, lock_until, locked_at, locked_by)
                values (:name, now() - interval '1 second', now() - interval '301 seconds', 'killed-instance')
                on conflict (name) do update set lock_until = excluded.lock_until, locked_by = excluded.locked_by""")
                .param("name", PipelineSync.LOCK_NAME).update();
        assertThat(fixture.rows()).isEqualTo(400);

        Map<String, Object> takeover = fixture.awaitRun(sync("incremental"));

        assertThat(takeover.get("outcome")).isEqualTo("succeeded");
        assertThat(fixture.run(dead).get("outcome")).isEqualTo("abandoned");
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.rows()).isEqualTo(1200);
        assertThat(((Number) takeover.get("fetched")).intValue()).isBetween(800, 810);
    }

    @Test
    void whileAnotherInstanceHoldsTheLockNoRunStarts() throws Exception {
        fixture.crm.generate(10, 9L);
        jdbc.sql("""
                insert into shedlock (name, lock_until, locked_at, locked_by)
                values (:name, now() + interval '5 minutes', now(), 'other-instance')
                on conflict (name) do update set lock_until = excluded.lock_until, locked_by = excluded.locked_by""")
                .param("name", PipelineSync.LOCK_NAME).update();

        mvc.perform(post("/api/admin/pipeline/sync").header("Authorization", admin.bearer()))
                .andExpect(status().isConflict())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.type")
                        .value("urn:pipeline-pulse:problem:sync-running"));

        assertThat(jdbc.sql("select count(*) from pipeline_sync_run").query(Integer.class).single()).isZero();
        assertThat(fixture.crm.calls()).isEmpty();
    }

    @Test
    void aFullRunMarksDeletedTheDealsZohoNoLongerLists() throws Exception {
        fixture.crm.generate(250, 10L);
        fixture.awaitRun(sync("incremental"));
        String purged = fixture.crm.dealIds().get(17);
        fixture.crm.purge(purged);

        Map<String, Object> full = fixture.awaitRun(sync("full"));

        assertThat(full.get("outcome")).isEqualTo("succeeded");
        assertThat(full.get("mode")).isEqualTo("full");
        assertThat(counters(full).subList(0, 4)).containsExactly(249, 249, 1, 2);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(row(purged, "deleted")).isEqualTo(true);
        assertThat(dealsCalls().stream().filter(c -> c.ifModifiedSince() != null).count()).isEqualTo(0);
    }

    @Test
    void aSyncAccountNeedingSignInEndsTheRunAsReauthRequiredAndTheStatusSaysSo() throws Exception {
        fixture.crm.generate(10, 11L);
        jdbc.sql("""
                update zoho_connection set status = 'REAUTH_REQUIRED'
                 where user_id = (select sync_user_id from pipeline_sync_state where id = 1)""").update();

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("reauth_required");
        assertThat(fixture.rows()).isZero();
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/api/admin/pipeline/sync")
                        .header("Authorization", admin.bearer()))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$.sync_account.reauth_required").value(true))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$.sync_account.zoho_status").value("REAUTH_REQUIRED"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$.runs[0].outcome").value("reauth_required"));
    }

    @Test
    void aScheduledRunIsDueAnIntervalAfterTheLastRunStartedAndNotBeforeAThrottleEnds() throws Exception {
        fixture.crm.generate(20, 14L);
        PipelineSyncProperties every15Minutes = new PipelineSyncProperties(null, null, null, null, null,
                java.time.Duration.ofMinutes(15), null, null);
        try (PipelineSync scheduler = new PipelineSync(runner, runLog, state, locks, every15Minutes, syncMetrics,
                java.time.Clock.systemUTC(), "scheduler-test")) {
            // No run yet: due now.
            UUID first = scheduler.startScheduledIfDue().orElseThrow();
            Map<String, Object> run = fixture.awaitRun(first);
            assertThat(run.get("trigger")).isEqualTo("scheduled");
            assertThat(run.get("outcome")).isEqualTo("succeeded");
            Instant started = ((java.sql.Timestamp) run.get("started_at")).toInstant();
            assertThat(scheduler.nextScheduledRun()).contains(started.plus(java.time.Duration.ofMinutes(15)));
            // Not due again within the interval, on this instance or any other.
            assertThat(scheduler.startScheduledIfDue()).isEmpty();

            // A manual run that Zoho throttles for an hour pushes the next scheduled run past the throttle.
            fixture.crm.modify(fixture.crm.dealIds().get(0), r -> r.put("Stage", "Closed Won"));
            fixture.crm.failDealsPage(1, Fault.tooManyRequests(3600));
            Map<String, Object> throttled = fixture.awaitRun(sync("incremental"));
            Instant retryAfter = ((java.sql.Timestamp) throttled.get("retry_after")).toInstant();
            assertThat(retryAfter).isAfter(Instant.now().plusSeconds(3500));
            assertThat(scheduler.nextScheduledRun()).contains(retryAfter);
            assertThat(scheduler.startScheduledIfDue()).isEmpty();
        }
        assertThat(jdbc.sql("select count(*) from pipeline_sync_run").query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void anAccessTokenZohoRefusesIsRefreshedOnceThroughTheTokenManagerAndTheRunGoesOn() throws Exception {
        fixture.crm.generate(250, 15L);
        UUID account = jdbc.sql("select sync_user_id from pipeline_sync_state where id = 1")
                .query((rs, n) -> rs.getObject(1, UUID.class)).single();
        jdbc.sql("delete from zoho_connection where user_id = :id").param("id", account).update();
        new com.pipelinepulse.testsupport.ZohoConnectionRows(jdbc, cipher).insert(account,
                com.pipelinepulse.testsupport.ZohoConnectionRows.refusedToken(), Instant.now().plusSeconds(3600),
                com.pipelinepulse.testsupport.ZohoConnectionRows.usAdminToken());

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("succeeded");
        assertThat(fixture.crm.calls()).extracting(Call::status).startsWith(401, 200);
        assertThat(fixture.crm.calls().stream().filter(c -> c.status() == 401)).hasSize(1);
        assertThat(fixture.rows()).isEqualTo(250);
        assertThat(jdbc.sql("select last_refresh_outcome from zoho_connection where user_id = :id")
                .param("id", account).query(String.class).single()).isEqualTo("success");
    }

    private UUID sync(String mode) throws Exception {
        return SyncFixture.start(mvc, json, admin.bearer(), mode);
    }

    private List<Call> dealsCalls() {
        return fixture.crm.calls().stream().filter(c -> c.endpoint().equals("Deals")).toList();
    }

    /** fetched, upserted, deleted, pages, zoho_calls. */
    private static List<Integer> counters(Map<String, Object> run) {
        return List.of("fetched", "upserted", "deleted", "pages", "zoho_calls").stream()
                .map(c -> ((Number) run.get(c)).intValue()).toList();
    }

    private Object row(String id, String column) {
        return jdbc.sql("select " + column + " from pipeline_deal where id = :id").param("id", id).query()
                .singleValue();
    }

    private static List<String> sorted(List<String> ids) {
        return SyncFixture.sorted(ids);
    }
}
