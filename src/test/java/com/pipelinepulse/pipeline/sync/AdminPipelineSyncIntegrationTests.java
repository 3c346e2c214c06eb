package com.pipelinepulse.pipeline.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The admin routes of the pipeline sync: who may call them, and bad input that changes nothing. */
@ZohoIntegrationTest
class AdminPipelineSyncIntegrationTests {

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
    @Autowired
    PipelineSync sync;

    SyncFixture fixture;
    TestSessions sessions;
    SignedIn admin;

    @BeforeEach
    void setUp() throws Exception {
        sessions = new TestSessions(users, opener, jdbc, mvc);
        fixture = new SyncFixture(jdbc, cipher, sessions);
        fixture.clean();
        admin = sessions.signIn(Role.ADMIN);
    }

    private static List<MockHttpServletRequestBuilder> routes() {
        return List.of(get("/api/admin/pipeline/sync"),
                post("/api/admin/pipeline/sync").param("mode", "incremental"),
                put("/api/admin/pipeline/sync-account").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"user_id\":\"" + UUID.randomUUID() + "\"}"));
    }

    @Test
    void everyRouteIs401WithoutAToken() throws Exception {
        for (MockHttpServletRequestBuilder request : routes()) {
            expectProblem(mvc.perform(request), 401, "unauthenticated");
        }
        assertNothingChanged();
    }

    @Test
    void everyRouteIs403ForViewersAndManagers() throws Exception {
        for (Role role : new Role[] {Role.VIEWER, Role.MANAGER}) {
            SignedIn notAdmin = sessions.signIn(role);
            for (MockHttpServletRequestBuilder request : routes()) {
                expectProblem(mvc.perform(request.header(HttpHeaders.AUTHORIZATION, notAdmin.bearer())), 403,
                        "forbidden");
            }
        }
        assertNothingChanged();
    }

    @Test
    void theSyncAccountMustBeAUserWithAConnectedZohoLink() throws Exception {
        UserAccount connected = fixture.connectedAdmin();
        UserAccount unlinked = sessions.user(Role.ADMIN);

        expectProblem(setAccount("{\"user_id\":\"" + UUID.randomUUID() + "\"}"), 404, "not-found")
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("No such user")));
        expectProblem(setAccount("{\"user_id\":\"" + unlinked.id() + "\"}"), 409, "zoho-not-connected")
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(unlinked.id().toString())));
        expectProblem(setAccount("{}"), 400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("user_id"));
        expectProblem(setAccount("{\"user_id\":\"not-a-uuid\"}"), 400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("user_id"));
        jdbc.sql("update zoho_connection set status = 'REAUTH_REQUIRED' where user_id = :id")
                .param("id", connected.id()).update();
        expectProblem(setAccount("{\"user_id\":\"" + connected.id() + "\"}"), 409, "zoho-not-connected");
        assertNothingChanged();

        jdbc.sql("update zoho_connection set status = 'CONNECTED' where user_id = :id")
                .param("id", connected.id()).update();
        setAccount("{\"user_id\":\"" + connected.id() + "\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.sync_account.user_id").value(connected.id().toString()))
                .andExpect(jsonPath("$.sync_account.zoho_status").value("CONNECTED"))
                .andExpect(jsonPath("$.sync_account.reauth_required").value(false))
                .andExpect(jsonPath("$.running").value(false))
                .andExpect(jsonPath("$.reporting_currency").value("SGD"));
        assertThat(syncUser()).isEqualTo(connected.id());
    }

    @Test
    void aModeOtherThanIncrementalOrFullIs400NamingIt() throws Exception {
        fixture.syncAccount();
        for (String mode : new String[] {"delta", "FULL", ""}) {
            expectProblem(mvc.perform(post("/api/admin/pipeline/sync").param("mode", mode)
                    .header(HttpHeaders.AUTHORIZATION, admin.bearer())), 400, "validation-failed")
                    .andExpect(jsonPath("$.errors[0].field").value("mode"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("incremental or full")));
        }
        assertThat(runs()).isZero();
        assertThat(fixture.crm.calls()).isEmpty();
    }

    @Test
    void withoutASyncAccountAnAdminWithoutAZohoLinkGets409AndNothingRuns() throws Exception {
        expectProblem(mvc.perform(post("/api/admin/pipeline/sync").header(HttpHeaders.AUTHORIZATION,
                admin.bearer())), 409, "sync-account-missing");
        assertNothingChanged();
    }

    @Test
    void withoutASyncAccountEvenAConnectedAdminGets409AndNoRunStartsManualOrScheduled() throws Exception {
        UserAccount connected = fixture.connectedAdmin();
        SignedIn signedIn = sessions.signIn(connected);
        fixture.crm.generate(30, 12L);

        expectProblem(mvc.perform(post("/api/admin/pipeline/sync").header(HttpHeaders.AUTHORIZATION,
                signedIn.bearer())), 409, "sync-account-missing");
        assertThat(sync.startScheduledIfDue()).isEmpty();

        assertNothingChanged();
        assertThat(fixture.crm.calls()).isEmpty();
        mvc.perform(get("/api/admin/pipeline/sync").header(HttpHeaders.AUTHORIZATION, admin.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.sync_account").doesNotExist())
                .andExpect(jsonPath("$.sync_account_missing").value(true));
    }

    @Test
    void choosingTheSyncAccountIsAuditedAndThenARunFillsThePipeline() throws Exception {
        UserAccount connected = fixture.connectedAdmin();
        fixture.crm.generate(30, 12L);
        long before = auditEvents(connected.id());

        setAccount("{\"user_id\":\"" + connected.id() + "\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.sync_account_missing").value(false));

        assertThat(auditEvents(connected.id())).isEqualTo(before + 1);
        java.util.Map<String, Object> event = jdbc.sql("""
                select outcome, details->>'to' as "to", details->>'from' as "from", details->>'by' as "by"
                  from security_audit_event where type = 'pipeline_sync_account_set' and user_id = :id
                 order by id desc limit 1""").param("id", connected.id()).query().singleRow();
        assertThat(event).containsEntry("outcome", "success").containsEntry("to", connected.id().toString())
                .containsEntry("from", "none").containsEntry("by", admin.user().id().toString());

        String body = mvc.perform(post("/api/admin/pipeline/sync").header(HttpHeaders.AUTHORIZATION,
                admin.bearer())).andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        UUID runId = UUID.fromString(json.readTree(body).get("run_id").asText());
        assertThat(fixture.awaitRun(runId).get("outcome")).isEqualTo("succeeded");
        assertThat(fixture.rows()).isEqualTo(30);
        mvc.perform(get("/api/admin/pipeline/sync").header(HttpHeaders.AUTHORIZATION, admin.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.runs[0].run_id").value(runId.toString()))
                .andExpect(jsonPath("$.runs[0].mode").value("incremental"))
                .andExpect(jsonPath("$.runs[0].trigger").value("manual"))
                .andExpect(jsonPath("$.runs[0].fetched").value(30))
                .andExpect(jsonPath("$.runs[0].upserted").value(30))
                .andExpect(jsonPath("$.runs[0].pages").value(1))
                .andExpect(jsonPath("$.runs[0].zoho_calls").value(3))
                .andExpect(jsonPath("$.cursor.modified").isNotEmpty())
                .andExpect(jsonPath("$.sync_interval_seconds").value(0))
                .andExpect(jsonPath("$.next_scheduled_run").doesNotExist());
    }

    private long auditEvents(UUID userId) {
        return jdbc.sql("select count(*) from security_audit_event where type = 'pipeline_sync_account_set' "
                + "and user_id = :id").param("id", userId).query(Long.class).single();
    }

    private ResultActions setAccount(String body) throws Exception {
        return mvc.perform(put("/api/admin/pipeline/sync-account").contentType(MediaType.APPLICATION_JSON)
                .content(body).header(HttpHeaders.AUTHORIZATION, admin.bearer()));
    }

    private static ResultActions expectProblem(ResultActions result, int status, String slug) throws Exception {
        return result.andExpect(status().is(status))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:" + slug));
    }

    private void assertNothingChanged() {
        assertThat(syncUser()).isNull();
        assertThat(runs()).isZero();
        assertThat(fixture.rows()).isZero();
    }

    private UUID syncUser() {
        return jdbc.sql("select sync_user_id from pipeline_sync_state where id = 1")
                .query((rs, n) -> rs.getObject(1, UUID.class)).list().get(0);
    }

    private int runs() {
        return jdbc.sql("select count(*) from pipeline_sync_run").query(Integer.class).single();
    }
}
