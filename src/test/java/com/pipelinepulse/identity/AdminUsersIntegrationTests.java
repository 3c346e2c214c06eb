package com.pipelinepulse.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

@IntegrationTest
@RecordApplicationEvents
class AdminUsersIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ApplicationEvents events;
    @Autowired
    IdentityProperties identityProperties;
    @Autowired
    JdbcUserDirectory directory;
    @Autowired
    DataSource dataSource;

    TestSessions sessions;
    SignedIn admin;

    @BeforeEach
    void setUp() throws Exception {
        sessions = new TestSessions(users, opener, jdbc, mvc);
        admin = sessions.signIn(Role.ADMIN);
    }

    @Test
    void adminListsAndReadsUsers() throws Exception {
        UserAccount someone = sessions.user(Role.VIEWER);
        mvc.perform(as(admin, get("/api/admin/users")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[*].id", hasItem(someone.id().toString())));
        mvc.perform(as(admin, get("/api/admin/users/" + someone.id())))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.email").value(someone.email()))
                .andExpect(jsonPath("$.role").value("viewer"))
                .andExpect(jsonPath("$.region").value("AMER"))
                .andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.zoho_user_id").value(someone.zohoUserId()));
        mvc.perform(as(admin, get("/api/admin/users/" + UUID.randomUUID())))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:not-found"));
    }

    @Test
    void adminChangesRoleAndRegionAndBothAreAudited() throws Exception {
        UserAccount someone = sessions.user(Role.VIEWER);
        mvc.perform(as(admin, patch("/api/admin/users/" + someone.id())).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"role\":\"manager\",\"region\":\"emea\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.role").value("manager"))
                .andExpect(jsonPath("$.region").value("EMEA"));
        assertThat(users.find(someone.id()).orElseThrow()).extracting(UserAccount::role, UserAccount::region)
                .containsExactly(Role.MANAGER, "EMEA");
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.ROLE_CHANGED)
                && someone.id().equals(e.userId()))).singleElement().satisfies(e -> assertThat(e.details())
                .containsEntry("from", "viewer").containsEntry("to", "manager")
                .containsEntry("by", admin.user().id().toString()));
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.REGION_CHANGED)
                && someone.id().equals(e.userId()))).singleElement().satisfies(e -> assertThat(e.details())
                .containsEntry("from", "AMER").containsEntry("to", "EMEA"));

        // Changing only the region leaves the role alone and publishes no role event.
        mvc.perform(as(admin, patch("/api/admin/users/" + someone.id())).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"region\":\"APAC\"}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.role").value("manager"));
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.ROLE_CHANGED)
                && someone.id().equals(e.userId()))).hasSize(1);
    }

    @Test
    void meShowsWhatTheAccessTokenAuthorisesAndAChangedRoleAfterTheNextRefresh() throws Exception {
        SignedIn viewer = sessions.signIn(Role.VIEWER);
        mvc.perform(as(admin, patch("/api/admin/users/" + viewer.user().id())).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"role\":\"manager\"}"))
                .andExpect(status().isOk());
        // The old token still authorises as a viewer until it expires, and me says exactly that.
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, viewer.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.user_id").value(viewer.user().id().toString()))
                .andExpect(jsonPath("$.email").value(viewer.user().email()))
                .andExpect(jsonPath("$.roles[0]").value("viewer"))
                .andExpect(jsonPath("$.session_id").value(viewer.sessionId().toString()));
        String refreshed = mvc.perform(TestSessions.refresh(viewer.refreshToken())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        String accessToken = JsonPath.read(refreshed, "$.access_token");
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.roles[0]").value("manager"));
    }

    @Test
    void badInputIsAClearProblemAndChangesNothing() throws Exception {
        UserAccount someone = sessions.user(Role.VIEWER);
        String[] bodies = {"{\"role\":\"superuser\",\"region\":\"EMEA\"}", "{\"role\":\"manager\",\"region\":\"MARS\"}",
                "{}", "{\"rol\":\"admin\"}", "{\"role\":\"manager\",\"status\":\"gone\"}"};
        for (String body : bodies) {
            mvc.perform(as(admin, patch("/api/admin/users/" + someone.id())).contentType(MediaType.APPLICATION_JSON)
                            .content(body))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:validation-failed"))
                    .andExpect(jsonPath("$.errors[0].field").isString())
                    .andExpect(jsonPath("$.errors[0].message").isString());
        }
        mvc.perform(as(admin, patch("/api/admin/users/" + someone.id())).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"role\":"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:malformed-body"));
        mvc.perform(as(admin, patch("/api/admin/users/not-a-uuid")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"role\":\"manager\"}"))
                .andExpect(status().isBadRequest());

        assertThat(users.find(someone.id()).orElseThrow()).extracting(UserAccount::role, UserAccount::region)
                .containsExactly(Role.VIEWER, "AMER");
        assertThat(events.stream(SecurityEvent.class).filter(e -> someone.id().equals(e.userId())
                && (e.type().equals(SecurityEvent.Types.ROLE_CHANGED)
                        || e.type().equals(SecurityEvent.Types.REGION_CHANGED)))).isEmpty();
        mvc.perform(as(admin, patch("/api/admin/users/" + UUID.randomUUID())).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"role\":\"manager\"}"))
                .andExpect(status().isNotFound());
    }

    @Test
    void adminEndsEveryLiveSessionOfAUser() throws Exception {
        SignedIn victim = sessions.signIn(Role.VIEWER);
        SignedIn victimPhone = sessions.open(victim.user());
        mvc.perform(as(admin, delete("/api/admin/users/" + victim.user().id() + "/sessions")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.revoked_sessions").value(2));
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, victim.bearer()))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:invalid-token"));
        mvc.perform(TestSessions.refresh(victimPhone.refreshToken())).andExpect(status().isUnauthorized());
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.SESSION_REVOKED)
                && victim.user().id().equals(e.userId()))).hasSize(2)
                .allSatisfy(e -> assertThat(e.details()).containsEntry("by", admin.user().id().toString())
                        .containsEntry("reason", "admin"));
        // The admin's own session is untouched.
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, admin.bearer())).andExpect(status().isOk());
        mvc.perform(as(admin, delete("/api/admin/users/" + UUID.randomUUID() + "/sessions")))
                .andExpect(status().isNotFound());
    }

    @Test
    void aDemotedAdminLosesHisTokensAtOnceAndCannotUndoTheDemotion() throws Exception {
        SignedIn other = sessions.signIn(Role.ADMIN);
        SignedIn otherPhone = sessions.open(other.user());
        patchAs(admin, other.user().id(), "{\"role\":\"viewer\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.role").value("viewer"));

        // The access token he still holds says admin, but its session ended with the demotion.
        expect(patchAs(other, other.user().id(), "{\"role\":\"admin\"}"), 401, "invalid-token");
        expect(patchAs(other, admin.user().id(), "{\"role\":\"viewer\"}"), 401, "invalid-token");
        expect(mvc.perform(as(other, get("/api/admin/users"))), 401, "invalid-token");
        // Neither refresh cookie mints a new token.
        mvc.perform(TestSessions.refresh(other.refreshToken())).andExpect(status().isUnauthorized());
        mvc.perform(TestSessions.refresh(otherPhone.refreshToken())).andExpect(status().isUnauthorized());

        assertThat(users.find(other.user().id()).orElseThrow().role()).isEqualTo(Role.VIEWER);
        assertThat(users.find(admin.user().id()).orElseThrow().role()).isEqualTo(Role.ADMIN);
        assertThat(jdbc.sql("select revoked_reason from user_session where user_id = :id")
                .param("id", other.user().id()).query(String.class).list())
                .containsExactly("role_lowered", "role_lowered");
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.SESSION_REVOKED)
                && other.user().id().equals(e.userId()))).hasSize(2)
                .allSatisfy(e -> assertThat(e.details()).containsEntry("reason", "role_lowered")
                        .containsEntry("by", admin.user().id().toString()));
        // The demoting admin's own session is untouched.
        mvc.perform(as(admin, get("/api/admin/users"))).andExpect(status().isOk());
    }

    @Test
    void loweringAManagerOrDisablingAUserEndsTheirSessionsRaisingARoleDoesNot() throws Exception {
        SignedIn manager = sessions.signIn(Role.MANAGER);
        patchAs(admin, manager.user().id(), "{\"role\":\"viewer\"}").andExpect(status().isOk());
        expect(mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, manager.bearer())), 401,
                "invalid-token");

        SignedIn viewer = sessions.signIn(Role.VIEWER);
        patchAs(admin, viewer.user().id(), "{\"role\":\"manager\",\"region\":\"EMEA\"}")
                .andExpect(status().isOk());
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, viewer.bearer()))
                .andExpect(status().isOk());

        patchAs(admin, viewer.user().id(), "{\"status\":\"disabled\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("DISABLED"));
        expect(mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, viewer.bearer())), 401,
                "invalid-token");
        mvc.perform(TestSessions.refresh(viewer.refreshToken())).andExpect(status().isUnauthorized());
        assertThat(users.find(viewer.user().id()).orElseThrow().active()).isFalse();
        assertThat(jdbc.sql("select revoked_reason from user_session where user_id = :id")
                .param("id", viewer.user().id()).query(String.class).list()).containsExactly("user_disabled");
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(
                SecurityEvent.Types.USER_STATUS_CHANGED) && viewer.user().id().equals(e.userId()))).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("from", "ACTIVE")
                        .containsEntry("to", "DISABLED"));

        // Enabled again, the user signs in anew; nothing of the old sessions comes back.
        patchAs(admin, viewer.user().id(), "{\"status\":\"ACTIVE\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"));
        mvc.perform(TestSessions.refresh(viewer.refreshToken())).andExpect(status().isUnauthorized());
    }

    @Test
    void movingAViewerToAnotherRegionEndsTheirSessionsAManagersDoNot() throws Exception {
        SignedIn viewer = sessions.signIn(Role.VIEWER);
        String from = users.find(viewer.user().id()).orElseThrow().region();
        String to = "APAC".equals(from) ? "EMEA" : "APAC";
        patchAs(admin, viewer.user().id(), "{\"region\":\"" + to + "\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.region").value(to));
        expect(mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, viewer.bearer())), 401,
                "invalid-token");
        mvc.perform(TestSessions.refresh(viewer.refreshToken())).andExpect(status().isUnauthorized());
        assertThat(jdbc.sql("select revoked_reason from user_session where user_id = :id")
                .param("id", viewer.user().id()).query(String.class).list()).containsExactly("region_changed");

        SignedIn manager = sessions.signIn(Role.MANAGER);
        patchAs(admin, manager.user().id(), "{\"region\":\"" + to + "\"}").andExpect(status().isOk());
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, manager.bearer()))
                .andExpect(status().isOk());
        assertThat(jdbc.sql("select count(*) from user_session where user_id = :id and revoked_at is null")
                .param("id", manager.user().id()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theLastActiveAdminCannotBeDemotedOrDisabledNotEvenByThemselves() throws Exception {
        SignedIn other = sessions.signIn(Role.ADMIN);
        try (OnlyAdmins only = onlyAdmins(admin.user().id(), other.user().id())) {
            // Two admins: one may go.
            patchAs(admin, other.user().id(), "{\"status\":\"disabled\"}").andExpect(status().isOk());
            // Now the last one: every way of removing them is refused and changes nothing.
            for (String body : new String[] {"{\"role\":\"manager\"}", "{\"role\":\"viewer\"}",
                    "{\"status\":\"disabled\"}", "{\"role\":\"viewer\",\"region\":\"EMEA\"}"}) {
                expect(patchAs(admin, admin.user().id(), body), 409, "last-admin");
            }
            assertThat(users.find(admin.user().id()).orElseThrow())
                    .extracting(UserAccount::role, UserAccount::active, UserAccount::region)
                    .containsExactly(Role.ADMIN, true, "AMER");
            mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, admin.bearer()))
                    .andExpect(status().isOk());
            // A disabled admin does not count; enabling them again makes the first one free to step down.
            patchAs(admin, other.user().id(), "{\"status\":\"active\"}").andExpect(status().isOk());
            patchAs(admin, admin.user().id(), "{\"role\":\"manager\"}").andExpect(status().isOk());
            assertThat(users.find(admin.user().id()).orElseThrow().role()).isEqualTo(Role.MANAGER);
        }
    }

    @Test
    void twoAdminsDemotingEachOtherAtOnceLeaveOneAdmin() throws Exception {
        SignedIn a = sessions.signIn(Role.ADMIN);
        SignedIn b = sessions.signIn(Role.ADMIN);
        try (OnlyAdmins only = onlyAdmins(a.user().id(), b.user().id());
                Connection blocker = dataSource.getConnection()) {
            // Hold the two admins' session rows, which each demotion must revoke before it commits: without a
            // lock around the last-admin check, both demotions would pass it and then wait here together.
            blocker.setAutoCommit(false);
            try (PreparedStatement lock = blocker.prepareStatement(
                    "select id from user_session where user_id in (?, ?) for update")) {
                lock.setObject(1, a.user().id());
                lock.setObject(2, b.user().id());
                lock.executeQuery().close();
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Object> aDemotesB = pool.submit(() -> outcome(() -> directory.update(b.user().id(), Role.VIEWER,
                        null, null, a.user().id())));
                Future<Object> bDemotesA = pool.submit(() -> outcome(() -> directory.update(a.user().id(), Role.VIEWER,
                        null, null, b.user().id())));
                await().atMost(Duration.ofSeconds(20)).until(() -> waitingLocks() >= 2);
                blocker.rollback();
                List<Object> outcomes = List.of(aDemotesB.get(30, TimeUnit.SECONDS),
                        bDemotesA.get(30, TimeUnit.SECONDS));
                assertThat(outcomes).filteredOn(o -> o instanceof JdbcUserDirectory.LastAdminException).hasSize(1);
                assertThat(outcomes).filteredOn(o -> o instanceof Optional<?>).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(jdbc.sql("select count(*) from app_user where id in (:a, :b) and role = 'admin' "
                    + "and status = 'ACTIVE'").param("a", a.user().id()).param("b", b.user().id())
                    .query(Long.class).single()).isOne();
        }
    }

    @Test
    void authorisationComesFromTheAccessTokensRolesAndAPromotionShowsAfterTheNextRefresh() throws Exception {
        SignedIn viewer = sessions.signIn(Role.VIEWER);
        expect(mvc.perform(as(viewer, get("/api/admin/users"))), 403, "forbidden");
        patchAs(admin, viewer.user().id(), "{\"role\":\"admin\"}").andExpect(status().isOk());
        // The database says admin now, but this token was issued to a viewer: it still authorises as one.
        expect(mvc.perform(as(viewer, get("/api/admin/users"))), 403, "forbidden");

        String refreshed = mvc.perform(TestSessions.refresh(viewer.refreshToken())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        String accessToken = JsonPath.read(refreshed, "$.access_token");
        String[] parts = accessToken.split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat((List<String>) JsonPath.read(claims, "$.roles")).containsExactly("admin");
        mvc.perform(get("/api/admin/users").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
                .andExpect(status().isOk());
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
                .andExpect(jsonPath("$.roles[0]").value("admin"));
    }

    @Test
    void anAdminEmailMakesOnlyItsFirstZohoUserAnAdmin() {
        UserAccount first = users.recordSignIn(new ZohoProfile("zuid-" + UUID.randomUUID(), "granted.once@example.com",
                "Granted", "United States", null));
        assertThat(first.role()).isEqualTo(Role.ADMIN);
        // The same person signing in again keeps the role.
        assertThat(users.recordSignIn(new ZohoProfile(first.zohoUserId(), "granted.once@example.com", "Granted",
                null, null)).role()).isEqualTo(Role.ADMIN);
        // A new Zoho user id with that email (any case) is not made admin again.
        UserAccount lookAlike = users.recordSignIn(new ZohoProfile("zuid-" + UUID.randomUUID(),
                "GRANTED.ONCE@example.com", "Look-alike", "United States", null));
        assertThat(lookAlike.role()).isEqualTo(Role.VIEWER);
        assertThat(jdbc.sql("select user_id from admin_email_grant where email = 'granted.once@example.com'")
                .query(UUID.class).single()).isEqualTo(first.id());
    }

    @Test
    void everyAdminEndpointIs401WithoutAToken() throws Exception {
        UUID id = admin.user().id();
        for (MockHttpServletRequestBuilder request : adminRequests(id)) {
            expect(mvc.perform(request), 401, "unauthenticated");
        }
    }

    @Test
    void everyAdminEndpointIs403ForViewersAndManagers() throws Exception {
        UserAccount target = sessions.user(Role.VIEWER);
        for (Role role : new Role[] {Role.VIEWER, Role.MANAGER}) {
            SignedIn notAdmin = sessions.signIn(role);
            for (MockHttpServletRequestBuilder request : adminRequests(target.id())) {
                expect(mvc.perform(as(notAdmin, request)), 403, "forbidden");
            }
        }
        assertThat(users.find(target.id()).orElseThrow().role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void firstSignInDecidesRoleAndRegionLaterSignInsOnlyRefreshNameAndEmail() {
        String zuid = "zuid-" + UUID.randomUUID();
        UserAccount first = users.recordSignIn(new ZohoProfile(zuid, "BOSS@example.com", "Boss", "Germany", "de_DE"));
        assertThat(first.role()).isEqualTo(Role.ADMIN);
        assertThat(first.region()).isEqualTo("EMEA");

        UserAccount again = users.recordSignIn(new ZohoProfile(zuid, "boss2@example.com", "Boss Renamed", "India",
                "en_IN"));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.email()).isEqualTo("boss2@example.com");
        assertThat(again.displayName()).isEqualTo("Boss Renamed");
        assertThat(again.role()).isEqualTo(Role.ADMIN);
        assertThat(again.region()).isEqualTo("EMEA");

        UserAccount viewer = users.recordSignIn(new ZohoProfile("zuid-" + UUID.randomUUID(), "someone@example.com",
                null, null, "ja_JP"));
        assertThat(viewer.role()).isEqualTo(Role.VIEWER);
        assertThat(viewer.region()).isEqualTo("APAC");
        assertThat(viewer.displayName()).isEqualTo("someone@example.com");

        UserAccount secondAdmin = users.recordSignIn(new ZohoProfile("zuid-" + UUID.randomUUID(),
                "second.admin@example.com", "Second", "Atlantis", null));
        assertThat(secondAdmin.role()).isEqualTo(Role.ADMIN);
        assertThat(secondAdmin.region()).isEqualTo("AMER");
    }

    @Test
    void theShippedRegionMappingBindsCountryNamesWithSpacesAndLocales() {
        IdentityProperties.Regions regions = identityProperties.regions();
        assertThat(regions.regionFor("United States", null)).isEqualTo("AMER");
        assertThat(regions.regionFor("United Kingdom", null)).isEqualTo("EMEA");
        assertThat(regions.regionFor("India", null)).isEqualTo("APAC");
        assertThat(regions.regionFor("Australia", null)).isEqualTo("APAC");
        assertThat(regions.regionFor(null, "de_DE")).isEqualTo("EMEA");
        assertThat(regions.regionFor(null, "fr_FR")).isEqualTo("EMEA");
        assertThat(regions.knownRegions()).containsExactlyInAnyOrder("AMER", "EMEA", "APAC");
    }

    private ResultActions patchAs(SignedIn who, UUID id, String body) throws Exception {
        return mvc.perform(as(who, patch("/api/admin/users/" + id)).contentType(MediaType.APPLICATION_JSON)
                .content(body));
    }

    /**
     * The lock waits of this test JVM's service role: it is made for the run, so no other test JVM working in the
     * same database (Failsafe runs two at once) has connections under it.
     */
    private long waitingLocks() {
        return jdbc.sql("select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid "
                + "where not l.granted and a.datname = current_database() and a.usename = current_user")
                .query(Long.class).single();
    }

    private static Object outcome(java.util.concurrent.Callable<Object> call) {
        try {
            return call.call();
        } catch (Exception e) {
            return e;
        }
    }

    /**
     * Makes the given users the only active admins of the shared test database (other tests leave admins behind)
     * and restores the others on close.
     */
    private OnlyAdmins onlyAdmins(UUID... keep) {
        List<UUID> others = jdbc.sql("update app_user set status = 'DISABLED' where role = 'admin' "
                + "and status = 'ACTIVE' and not (id = any(:keep)) returning id").param("keep", keep)
                .query(UUID.class).list();
        return () -> jdbc.sql("update app_user set status = 'ACTIVE' where id = any(:ids)")
                .param("ids", others.toArray(UUID[]::new)).update();
    }

    interface OnlyAdmins extends AutoCloseable {
        @Override
        void close();
    }

    private MockHttpServletRequestBuilder[] adminRequests(UUID id) {
        return new MockHttpServletRequestBuilder[] {get("/api/admin/users"), get("/api/admin/users/" + id),
                patch("/api/admin/users/" + id).contentType(MediaType.APPLICATION_JSON).content("{\"role\":\"admin\"}"),
                delete("/api/admin/users/" + id + "/sessions"), delete("/api/admin/sessions")};
    }

    private static MockHttpServletRequestBuilder as(SignedIn who, MockHttpServletRequestBuilder request) {
        return request.header(HttpHeaders.AUTHORIZATION, who.bearer());
    }

    private static void expect(ResultActions result, int status, String slug) throws Exception {
        result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:" + slug));
    }
}
