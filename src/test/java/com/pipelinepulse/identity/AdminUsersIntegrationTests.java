package com.pipelinepulse.identity;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.UUID;
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
                "{}", "{\"rol\":\"admin\"}"};
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

    private MockHttpServletRequestBuilder[] adminRequests(UUID id) {
        return new MockHttpServletRequestBuilder[] {get("/api/admin/users"), get("/api/admin/users/" + id),
                patch("/api/admin/users/" + id).contentType(MediaType.APPLICATION_JSON).content("{\"role\":\"admin\"}"),
                delete("/api/admin/users/" + id + "/sessions")};
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
