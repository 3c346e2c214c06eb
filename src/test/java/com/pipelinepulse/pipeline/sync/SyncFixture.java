package com.pipelinepulse.pipeline.sync;

import static org.awaitility.Awaitility.await;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoCrmPipeline;
import com.pipelinepulse.testsupport.ZohoStandIn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/** The pipeline sync's test setting: a clean pipeline, an empty stand-in CRM, a sync account that reads it. */
final class SyncFixture {

    final JdbcClient jdbc;
    final ZohoCrmPipeline crm = ZohoStandIn.crm();
    private final TestSessions sessions;
    private final ZohoConnectionRows connections;

    SyncFixture(JdbcClient jdbc, TokenCipher cipher, TestSessions sessions) {
        this.jdbc = jdbc;
        this.sessions = sessions;
        this.connections = new ZohoConnectionRows(jdbc, cipher);
    }

    /** Nothing synced, no run, no lock, no sync account; the stand-in's CRM empty with its default currencies. */
    void clean() {
        jdbc.sql("delete from pipeline_deal").update();
        jdbc.sql("delete from pipeline_sync_run").update();
        jdbc.sql("delete from pipeline_currency_snapshot").update();
        // Released, not deleted: ShedLock remembers which lock rows it created and only updates those afterwards.
        jdbc.sql("update shedlock set lock_until = timezone('utc', now()) - interval '1 second' where name = :name")
                .param("name", PipelineSync.LOCK_NAME).update();
        jdbc.sql("""
                update pipeline_sync_state set sync_user_id = null, modified_cursor = null, deleted_cursor = null,
                       last_full_sync_at = null, conversion_basis = null, full_pass_id = null,
                       full_pass_cursor = null where id = 1""").update();
        crm.reset();
    }

    /** An admin with a CONNECTED Zoho connection the stand-in accepts. */
    UserAccount connectedAdmin() {
        UserAccount admin = sessions.user(Role.ADMIN);
        connections.insert(admin.id(), ZohoConnectionRows.usAdminToken(), Instant.now().plusSeconds(3600),
                ZohoConnectionRows.usAdminToken());
        return admin;
    }

    /** A connected admin made the sync account. */
    UserAccount syncAccount() {
        UserAccount admin = connectedAdmin();
        jdbc.sql("update pipeline_sync_state set sync_user_id = :id where id = 1").param("id", admin.id()).update();
        return admin;
    }

    /** Starts a run as the admin with {@code bearer} would ({@code POST /api/admin/pipeline/sync}): its id. */
    static UUID start(MockMvc mvc, ObjectMapper json, String bearer, String mode) throws Exception {
        String body = mvc.perform(post("/api/admin/pipeline/sync").param("mode", mode)
                        .header("Authorization", bearer))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        return UUID.fromString(json.readTree(body).get("run_id").asText());
    }

    static List<String> sorted(List<String> ids) {
        List<String> copy = new java.util.ArrayList<>(ids);
        copy.sort(null);
        return copy;
    }

    /**
     * Waits until the run is no longer running and its instance has released the sync lock (it records the outcome
     * just before releasing it: a run asked for in between would be refused as sync-running), and returns its row.
     */
    Map<String, Object> awaitRun(UUID runId) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> !"running".equals(jdbc.sql("select outcome from pipeline_sync_run where id = :id")
                        .param("id", runId).query(String.class).optional().orElse("running"))
                        && jdbc.sql("select count(*) from shedlock where name = :name and lock_until > "
                                + "timezone('utc', now())").param("name", PipelineSync.LOCK_NAME)
                                .query(Long.class).single() == 0);
        return run(runId);
    }

    Map<String, Object> run(UUID runId) {
        return jdbc.sql("select * from pipeline_sync_run where id = :id").param("id", runId).query().singleRow();
    }

    /** The ids of live (not deleted) deals, sorted. */
    List<String> liveIds() {
        return jdbc.sql("select id from pipeline_deal where not deleted order by id").query(String.class).list();
    }

    long rows() {
        return jdbc.sql("select count(*) from pipeline_deal").query(Long.class).single();
    }

    /** Everything stored about every deal, as one digest: equal digests, equal rows. */
    String digest() {
        return jdbc.sql("""
                select coalesce(md5(string_agg(d::text, '|' order by d.id)), '') from (
                    select id, name, stage, status, amount, amount_reporting, weighted_amount_reporting, region,
                           o2r_phase, realized, modified_time, deleted, deleted_time, synced_at, zoho_record
                      from pipeline_deal) d""").query(String.class).single();
    }

    Instant modifiedCursor() {
        java.time.OffsetDateTime cursor = jdbc.sql("select modified_cursor from pipeline_sync_state where id = 1")
                .query((rs, n) -> rs.getObject(1, java.time.OffsetDateTime.class)).list().get(0);
        return cursor == null ? null : cursor.toInstant();
    }
}
