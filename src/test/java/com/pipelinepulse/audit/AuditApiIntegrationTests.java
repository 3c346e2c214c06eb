package com.pipelinepulse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.testsupport.IntegrationTest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** {@code GET /api/admin/audit}: admins only, filters, cursor pagination, clear 400s. */
@IntegrationTest
class AuditApiIntegrationTests {

    private static final OffsetDateTime BASE = OffsetDateTime.of(2025, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper json;

    @Test
    void anonymousCallersGet401() throws Exception {
        mvc.perform(get("/api/admin/audit")).andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:unauthenticated"));
    }

    @Test
    @WithMockUser(roles = "VIEWER")
    void nonAdminsGet403() throws Exception {
        mvc.perform(get("/api/admin/audit")).andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:forbidden"));
    }

    @Test
    @WithMockUser(roles = "MANAGER")
    void managersGet403Too() throws Exception {
        mvc.perform(get("/api/admin/audit")).andExpect(status().isForbidden());
    }

    @Test
    @WithMockUser(roles = "ADMIN")
    void adminsFilterByUserTypeAndTimeNewestFirst() throws Exception {
        UUID user = UUID.randomUUID();
        insert(user, "sign_in", "failure", BASE.plusMinutes(1));
        insert(user, "sign_in", "success", BASE.plusMinutes(2));
        insert(user, "refresh", "success", BASE.plusMinutes(3));
        insert(user, "logout", "success", BASE.plusMinutes(4));
        insert(UUID.randomUUID(), "sign_in", "success", BASE.plusMinutes(2));

        JsonNode all = page(get("/api/admin/audit").param("user", user.toString()));
        assertThat(types(all)).containsExactly("logout", "refresh", "sign_in", "sign_in");
        assertThat(all.has("next_cursor")).isFalse();
        JsonNode first = all.path("items").get(0);
        assertThat(first.path("user_id").asText()).isEqualTo(user.toString());
        assertThat(first.path("occurred_at").asText()).isEqualTo("2025-03-01T12:04:00Z");
        assertThat(first.path("subject").asText()).isEqualTo("u***@example.com");
        assertThat(first.path("details").path("reason").asText()).isEqualTo("because");

        assertThat(types(page(get("/api/admin/audit").param("user", user.toString()).param("type", "sign_in"))))
                .containsExactly("sign_in", "sign_in");
        assertThat(types(page(get("/api/admin/audit").param("user", user.toString())
                .param("type", "refresh").param("type", "logout")))).containsExactly("logout", "refresh");
        assertThat(types(page(get("/api/admin/audit").param("user", user.toString())
                .param("from", "2025-03-01T12:02:00Z").param("to", "2025-03-01T13:03:00+01:00"))))
                .containsExactly("sign_in");
    }

    @Test
    @WithMockUser(roles = "ADMIN")
    void cursorPagesThroughEveryRowOnceEvenWithEqualTimes() throws Exception {
        UUID user = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            insert(user, "refresh", "success", BASE.plusHours(1).plusMinutes(i / 2)); // pairs share a time
        }
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            MockHttpServletRequestBuilder request = get("/api/admin/audit").param("user", user.toString())
                    .param("limit", "2");
            if (cursor != null) {
                request.param("cursor", cursor);
            }
            JsonNode page = page(request);
            page.path("items").forEach(item -> seen.add(item.path("id").asLong()));
            cursor = page.path("next_cursor").asText(null);
            pages++;
        } while (cursor != null && pages < 10);

        List<Long> expected = jdbc.sql("""
                select id from security_audit_event where user_id = :user order by occurred_at desc, id desc""")
                .param("user", user).query(Long.class).list();
        assertThat(seen).hasSize(5).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource({
            "user, not-a-uuid",
            "from, yesterday",
            "to, 2025-13-01T00:00:00Z",
            "cursor, bm90LWEtY3Vyc29y",
            "cursor, %%%",
            "limit, 0",
            "limit, 201",
            "limit, ten",
            "type, 'Sign-In'"})
    @WithMockUser(roles = "ADMIN")
    void malformedFiltersAreAClear400(String parameter, String value) throws Exception {
        mvc.perform(get("/api/admin/audit").param(parameter, value)).andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value(parameter))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("'" + parameter + "'")));
    }

    @Test
    @WithMockUser(roles = "ADMIN")
    void fromMustBeBeforeTo() throws Exception {
        mvc.perform(get("/api/admin/audit").param("from", "2025-03-02T00:00:00Z").param("to", "2025-03-01T00:00:00Z"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors[0].field").value("from"));
    }

    private JsonNode page(MockHttpServletRequestBuilder request) throws Exception {
        String body = mvc.perform(request).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andReturn().getResponse().getContentAsString();
        return json.readTree(body);
    }

    private static List<String> types(JsonNode page) {
        List<String> types = new ArrayList<>();
        page.path("items").forEach(item -> types.add(item.path("type").asText()));
        return types;
    }

    private void insert(UUID user, String type, String outcome, OffsetDateTime at) {
        jdbc.sql("""
                insert into security_audit_event (occurred_at, type, outcome, user_id, subject, details)
                values (:at, :type, :outcome, :user, 'u***@example.com', '{"reason":"because"}'::jsonb)""")
                .param("at", at).param("type", type).param("outcome", outcome).param("user", user).update();
    }
}
