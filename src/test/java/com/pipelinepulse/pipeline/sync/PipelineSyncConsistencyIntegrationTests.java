package com.pipelinepulse.pipeline.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoCrmPipeline.Call;
import com.pipelinepulse.testsupport.ZohoCrmPipeline.Fault;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * What the stored deals stay consistent with across runs: the conversion basis (Zoho's rates, the reporting
 * currency), the owners' regions, a full pass that stops half-way, a truncated full listing, and amounts in a
 * currency without a known rate. Every expected value is computed by hand in the test.
 */
@ZohoIntegrationTest
class PipelineSyncConsistencyIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenCipher cipher;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    ObjectMapper json;

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
    void whenZohosRatesChangeEveryStoredDealIsReconvertedInThatRunToTheCent() throws Exception {
        fixture.crm.currencies("USD", Map.of("SGD", "1.341200000", "INR", "83.123400000"));
        // Its own Exchange_Rate (kept), no Exchange_Rate in INR (the snapshot's), in the home currency (1).
        fixture.crm.put(deal("9001", "1250000", "INR", "82.500000000", 35));
        fixture.crm.put(deal("9002", "1000.25", "INR", null, 40));
        fixture.crm.put(deal("9003", "1000.25", "USD", null, 50));
        assertThat(fixture.awaitRun(sync("incremental")).get("outcome")).isEqualTo("succeeded");
        assertThat(amounts("9001")).containsExactly(new BigDecimal("20321.21"), new BigDecimal("7112.42"));

        fixture.crm.currencies("USD", Map.of("SGD", "0.500000000", "INR", "80.000000000"));
        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        // No deal changed (Deals answered 304), yet every amount is on the new basis.
        assertThat(run.get("outcome")).isEqualTo("succeeded");
        assertThat(run.get("fetched")).isEqualTo(0);
        assertThat(run.get("reconverted")).isEqualTo(3);
        // 1,250,000 / 82.5 x 0.5 = 7,575.7575... -> 7,575.76; x 35 % = 2,651.516 -> 2,651.52.
        assertThat(amounts("9001")).containsExactly(new BigDecimal("7575.76"), new BigDecimal("2651.52"));
        // 1,000.25 / 80 x 0.5 = 6.2515625 -> 6.25; x 40 % = 2.50.
        assertThat(amounts("9002")).containsExactly(new BigDecimal("6.25"), new BigDecimal("2.50"));
        // 1,000.25 x 0.5 = 500.125 -> 500.12 (half-even, where half-up would give 500.13); x 50 % = 250.06.
        assertThat(amounts("9003")).containsExactly(new BigDecimal("500.12"), new BigDecimal("250.06"));
        // A deal derived now (Java) equals the re-converted one (SQL).
        fixture.crm.put(deal("9004", "1000.25", "USD", null, 50));
        assertThat(fixture.awaitRun(sync("incremental")).get("reconverted")).isEqualTo(0);
        assertThat(amounts("9004")).isEqualTo(amounts("9003"));

        TestSessions.SignedIn manager = sessions.signIn(Role.MANAGER);
        mvc.perform(get("/api/pipeline/summary").header("Authorization", manager.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.currency").value("SGD"))
                .andExpect(jsonPath("$.open.count").value(4))
                // 7,575.76 + 6.25 + 500.12 + 500.12
                .andExpect(jsonPath("$.open.amount").value(8582.25));
    }

    @Test
    void figuresRefuseAmountsStoredInAnotherCurrencyUntilASyncReconvertsThem() throws Exception {
        fixture.crm.put(deal("9101", "1000", "USD", null, 50));
        fixture.awaitRun(sync("incremental"));
        TestSessions.SignedIn manager = sessions.signIn(Role.MANAGER);
        mvc.perform(get("/api/pipeline/summary").header("Authorization", manager.bearer()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.open.amount").value(1341.20));
        // What a change of pipelinepulse.pipeline.reporting-currency leaves: amounts stored in another currency
        // (here EUR at 0.9211 per USD) than the one the figures are asked in (SGD).
        jdbc.sql("""
                update pipeline_sync_state set conversion_basis = jsonb_set(jsonb_set(conversion_basis,
                       '{reporting_currency}', '"EUR"'), '{reporting_rate}', '"0.9211"') where id = 1""").update();
        jdbc.sql("update pipeline_deal set reporting_currency = 'EUR', amount_reporting = 921.10, "
                + "weighted_amount_reporting = 460.55").update();

        for (String route : List.of("/api/pipeline/summary", "/api/pipeline/breakdown?by=stage",
                "/api/pipeline/o2r", "/api/pipeline/deals", "/api/pipeline/deals.csv")) {
            mvc.perform(get(route).header("Authorization", manager.bearer()))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(header().exists("Retry-After"))
                    .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:pipeline-currency-pending"))
                    .andExpect(jsonPath("$.stored_currency").value("EUR"))
                    .andExpect(jsonPath("$.reporting_currency").value("SGD"));
        }

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("reconverted")).isEqualTo(1);
        mvc.perform(get("/api/pipeline/summary").header("Authorization", manager.bearer()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.currency").value("SGD"))
                .andExpect(jsonPath("$.open.amount").value(1341.20))
                .andExpect(jsonPath("$.open.weighted_amount").value(670.60));
    }

    @Test
    void aDealWithoutRegionFollowsItsOwnersRegionWhenThatChangesWithoutAnyChangeInZoho() throws Exception {
        UserAccount created = sessions.user(Role.VIEWER);
        // A Zoho user id of Zoho's shape (the test users' own are longer than a CRM owner id).
        String zohoUserId = "70000" + Math.abs(created.id().getMostSignificantBits() % 100_000_000_000L);
        jdbc.sql("update app_user set region = 'EMEA', zoho_user_id = :zuid where id = :id")
                .param("zuid", zohoUserId).param("id", created.id()).update();
        UserAccount owner = users.find(created.id()).orElseThrow();
        Map<String, Object> byOwner = deal("9201", "100", "USD", null, 10);
        byOwner.put("Owner", Map.of("id", owner.zohoUserId(), "name", "Owner", "email", owner.email()));
        byOwner.remove("Region");
        fixture.crm.put(byOwner);
        Map<String, Object> byField = deal("9202", "100", "USD", null, 10);
        byField.put("Owner", Map.of("id", owner.zohoUserId(), "name", "Owner", "email", owner.email()));
        byField.put("Region", "IN");
        fixture.crm.put(byField);
        fixture.awaitRun(sync("incremental"));
        assertThat(region("9201")).isEqualTo("EMEA");
        assertThat(region("9202")).isEqualTo("APAC");

        jdbc.sql("update app_user set region = 'AMER' where id = :id").param("id", owner.id()).update();
        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("fetched")).isEqualTo(0);
        assertThat(run.get("region_changed")).isEqualTo(1);
        assertThat(region("9201")).isEqualTo("AMER");
        // The region field, when set, still decides.
        assertThat(region("9202")).isEqualTo("APAC");
        long version = dataVersion();
        assertThat(fixture.awaitRun(sync("incremental")).get("region_changed")).isEqualTo(0);
        // A run that changes nothing leaves the figure cache valid.
        assertThat(dataVersion()).isEqualTo(version);
    }

    @Test
    void aFullRunStoppedHalfWayIsResumedFromItsPositionByTheNextFullRun() throws Exception {
        fixture.crm.generate(1200, 47L);
        fixture.awaitRun(sync("incremental"));
        fixture.crm.failDealsPage(3, Fault.tooManyRequests(0));

        Map<String, Object> stopped = fixture.awaitRun(sync("full"));

        assertThat(stopped.get("outcome")).isEqualTo("throttled");
        assertThat(stopped.get("fetched")).isEqualTo(400);
        OffsetDateTime passCursor = jdbc.sql("select full_pass_cursor from pipeline_sync_state where id = 1")
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).single();
        assertThat(passCursor).isNotNull();
        // Purged (no deleted-list entry) in the part the pass has not read yet: only the pass's end can notice.
        List<String> ids = fixture.crm.dealIds();
        String purgedUnread = ids.get(1100);
        fixture.crm.purge(purgedUnread);
        fixture.crm.clearCalls();

        Map<String, Object> resumed = fixture.awaitRun(sync("full"));

        assertThat(resumed.get("outcome")).isEqualTo("succeeded");
        List<Call> deals = fixture.crm.calls().stream().filter(c -> c.endpoint().equals("Deals")).toList();
        assertThat(deals.get(0).ifModifiedSince()).isEqualTo(SyncRunner.IF_MODIFIED_SINCE.format(
                passCursor.toInstant().atOffset(ZoneOffset.UTC)));
        assertThat(deals.get(0).page()).isEqualTo(1);
        // Only what the pass had not received (799 left after the purge), give or take the cursor's own second.
        assertThat(((Number) resumed.get("fetched")).intValue()).isBetween(799, 810);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.rows()).isEqualTo(1200);
        assertThat(resumed.get("deleted")).isEqualTo(1);
        assertThat(jdbc.sql("select deleted from pipeline_deal where id = :id").param("id", purgedUnread)
                .query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("select full_pass_id is null and last_full_sync_at is not null from pipeline_sync_state")
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void aDealChangedInZohoWhileAnIncrementalRunReadsShiftsNoOtherDealPastTheCursor() throws Exception {
        fixture.crm.generate(600, 50L);
        List<String> ids = fixture.crm.dealIds();
        // After pages 1 and 2 are read, a deal of page 1 changes: it moves to the end, and every later deal slides
        // one place up, so the 401st deal lands on page 2, which this run has already read.
        fixture.crm.failDealsPage(3, Fault.after(() -> fixture.crm.modify(ids.get(10), r -> r.put("Stage",
                "Closed Won"))));

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("succeeded");
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.rows()).isEqualTo(600);
        // The run read again from the moved deal's former place; the next run has nothing left to fetch.
        assertThat(fixture.awaitRun(sync("incremental")).get("fetched")).isEqualTo(0);
        assertThat(fixture.rows()).isEqualTo(600);
    }

    @Test
    void aDealChangedInZohoWhileAFullRunReadsMakesNoOtherDealLookDeleted() throws Exception {
        fixture.crm.generate(600, 51L);
        fixture.awaitRun(sync("incremental"));
        List<String> ids = fixture.crm.dealIds();
        fixture.crm.failDealsPage(3, Fault.after(() -> fixture.crm.modify(ids.get(10), r -> r.put("Stage",
                "Closed Won"))));

        Map<String, Object> full = fixture.awaitRun(sync("full"));

        assertThat(full.get("outcome")).isEqualTo("succeeded");
        assertThat(full.get("deleted")).isEqualTo(0);
        assertThat(fixture.liveIds()).hasSize(600);
        assertThat(jdbc.sql("select status from pipeline_deal where id = :id").param("id", ids.get(10))
                .query(String.class).single()).isEqualTo("won");
    }

    @Test
    void aDealDeletedInZohoWhileAnIncrementalRunReadsShiftsNoOtherDealPastTheCursor() throws Exception {
        fixture.crm.generate(600, 52L);
        List<String> ids = fixture.crm.dealIds();
        // After pages 1 and 2 are read, a deal of page 1 is deleted: it never comes back in Deals, and every later
        // deal slides one place up, so the 401st deal lands on page 2, which this run has already read.
        fixture.crm.failDealsPage(3, Fault.after(() -> fixture.crm.delete(ids.get(10))));

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("outcome")).isEqualTo("succeeded");
        assertThat(run.get("deleted")).isEqualTo(1);
        assertOnlyTheDeletedDealGone(ids);
        assertThat(fixture.rows()).isEqualTo(600);
        // The run read again from the deleted deal's former place; the next run has nothing left to fetch.
        assertThat(fixture.awaitRun(sync("incremental")).get("fetched")).isEqualTo(0);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
    }

    @Test
    void aDealDeletedInZohoWhileAFullRunReadsMakesNoOtherDealLookDeleted() throws Exception {
        List<String> ids = syncedThenADealDeletedDuringTheNextRead(53L);

        Map<String, Object> full = fixture.awaitRun(sync("full"));

        assertThat(full.get("outcome")).isEqualTo("succeeded");
        // Only the deal deleted in Zoho, from the deleted list; none of the pass's own making.
        assertThat(full.get("deleted")).isEqualTo(1);
        assertOnlyTheDeletedDealGone(ids);
    }

    @Test
    void aFullRunStoppedWhileReadingAgainAfterADeletionResumesFromTheDeletedDealsPlace() throws Exception {
        List<String> ids = syncedThenADealDeletedDuringTheNextRead(54L);
        // Page 1 answers the first read normally and throttles the read made again after the deletion.
        fixture.crm.failDealsPage(1, Fault.delay(0));
        fixture.crm.failDealsPage(1, Fault.tooManyRequests(0));

        Map<String, Object> stopped = fixture.awaitRun(sync("full"));

        assertThat(stopped.get("outcome")).isEqualTo("throttled");
        // The pass resumes from the deleted deal's former place, not from where the first read ended: the deal
        // that slid past that read is received by the pass, so its end marks only the deleted deal deleted.
        OffsetDateTime deletedDealModified = jdbc.sql("select modified_time from pipeline_deal where id = :id")
                .param("id", ids.get(10)).query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).single();
        assertThat(jdbc.sql("select full_pass_cursor from pipeline_sync_state where id = 1")
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).single().toInstant())
                .isEqualTo(deletedDealModified.toInstant().minusSeconds(1));
        Map<String, Object> resumed = fixture.awaitRun(sync("full"));

        assertThat(resumed.get("outcome")).isEqualTo("succeeded");
        assertThat(resumed.get("deleted")).isEqualTo(0);
        assertOnlyTheDeletedDealGone(ids);
    }

    /**
     * 600 deals, synced; then the next run's read is disturbed: after its pages 1 and 2, the 11th deal is deleted in
     * Zoho, so the 401st slides onto page 2. Returns the deals' ids as they were, in Deals order.
     */
    private List<String> syncedThenADealDeletedDuringTheNextRead(long seed) throws Exception {
        fixture.crm.generate(600, seed);
        fixture.awaitRun(sync("incremental"));
        List<String> ids = fixture.crm.dealIds();
        fixture.crm.failDealsPage(3, Fault.after(() -> fixture.crm.delete(ids.get(10))));
        return ids;
    }

    /** Live: exactly the deals Zoho has, the one that slid (the 401st) among them, the deleted 11th not. */
    private void assertOnlyTheDeletedDealGone(List<String> ids) {
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
        assertThat(fixture.liveIds()).hasSize(599).contains(ids.get(400)).doesNotContain(ids.get(10));
        assertThat(jdbc.sql("select deleted from pipeline_deal where id = :id").param("id", ids.get(10))
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void aFullRunThatWouldMarkMoreThanTheAllowedShareDeletedDeletesNothing() throws Exception {
        fixture.crm.generate(100, 48L);
        fixture.awaitRun(sync("incremental"));
        // Zoho answers a truncated listing: 30 of the 100 deals missing, none in the deleted list.
        List<Map<String, Object>> missing = new ArrayList<>();
        for (String id : fixture.crm.dealIds().subList(0, 30)) {
            missing.add(json.convertValue(fixture.crm.record(id), Map.class));
            fixture.crm.purge(id);
        }

        Map<String, Object> run = fixture.awaitRun(sync("full"));

        assertThat(run.get("outcome")).isEqualTo("failed");
        assertThat((String) run.get("error_detail")).contains("30 of 100").contains("max-full-sync-deletion-share")
                .contains("nothing was deleted");
        assertThat(fixture.liveIds()).hasSize(100);
        assertThat(jdbc.sql("select full_pass_id is null and last_full_sync_at is null from pipeline_sync_state")
                .query(Boolean.class).single()).isTrue();

        // Within the share (10 of 100 <= 20 %), a full run deletes as before.
        missing.subList(10, 30).forEach(fixture.crm::put);
        Map<String, Object> allowed = fixture.awaitRun(sync("full"));
        assertThat(allowed.get("outcome")).isEqualTo("succeeded");
        assertThat(allowed.get("deleted")).isEqualTo(10);
        assertThat(fixture.liveIds()).hasSize(90);
        assertThat(fixture.liveIds()).containsExactlyElementsOf(sorted(fixture.crm.dealIds()));
    }

    @Test
    void aDealInACurrencyWithoutAKnownRateCountsWithZeroAndIsReported() throws Exception {
        fixture.crm.put(deal("9301", "500", "XXX", null, 50));
        fixture.crm.put(deal("9302", "500", "CHF", null, 50));
        fixture.crm.put(deal("9303", "500", "CHF", "0.880000000", 50));

        Map<String, Object> run = fixture.awaitRun(sync("incremental"));

        assertThat(run.get("unconverted")).isEqualTo(2);
        assertThat(amounts("9301")).containsExactly(new BigDecimal("0.00"), new BigDecimal("0.00"));
        assertThat(amounts("9302")).containsExactly(new BigDecimal("0.00"), new BigDecimal("0.00"));
        // Its own Exchange_Rate converts it: 500 / 0.88 x 1.3412 = 762.0454... -> 762.05; x 50 % = 381.025 -> 381.02.
        assertThat(amounts("9303")).containsExactly(new BigDecimal("762.05"), new BigDecimal("381.02"));
        assertThat(jdbc.sql("select id from pipeline_deal where unconverted order by id").query(String.class).list())
                .containsExactly("9301", "9302");
        TestSessions.SignedIn manager = sessions.signIn(Role.MANAGER);
        mvc.perform(get("/api/pipeline/summary").header("Authorization", manager.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.open.count").value(3))
                .andExpect(jsonPath("$.open.amount").value(762.05))
                .andExpect(jsonPath("$.unconverted_count").value(2));
        mvc.perform(get("/api/admin/pipeline/sync").header("Authorization", admin.bearer()))
                .andExpect(jsonPath("$.runs[0].unconverted").value(2));
    }

    private static Map<String, Object> deal(String id, String amount, String currency, String exchangeRate,
            int probability) {
        Map<String, Object> deal = new LinkedHashMap<>();
        deal.put("id", id);
        deal.put("Deal_Name", "Deal " + id);
        deal.put("Amount", new BigDecimal(amount));
        deal.put("Currency", currency);
        if (exchangeRate != null) {
            deal.put("Exchange_Rate", new BigDecimal(exchangeRate));
        }
        deal.put("Stage", "Qualification");
        deal.put("Probability", probability);
        deal.put("Region", "EMEA");
        return deal;
    }

    private List<BigDecimal> amounts(String id) {
        return jdbc.sql("select amount_reporting, weighted_amount_reporting from pipeline_deal where id = :id")
                .param("id", id).query((rs, n) -> List.of(rs.getBigDecimal(1), rs.getBigDecimal(2))).single();
    }

    private String region(String id) {
        return jdbc.sql("select region from pipeline_deal where id = :id").param("id", id).query(String.class)
                .single();
    }

    private long dataVersion() {
        return jdbc.sql("select version from pipeline_data_version where id = 1").query(Long.class).single();
    }

    private UUID sync(String mode) throws Exception {
        return SyncFixture.start(mvc, json, admin.bearer(), mode);
    }

    private static List<String> sorted(List<String> ids) {
        return SyncFixture.sorted(ids);
    }
}
