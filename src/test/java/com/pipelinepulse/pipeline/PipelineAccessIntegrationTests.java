package com.pipelinepulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Who may read the pipeline routes: 401 without a valid token, 403 for a principal without a reading role and for
 * a viewer naming another region, region scoping per role in every route, and a 400 naming each bad parameter.
 */
@IntegrationTest
class PipelineAccessIntegrationTests extends SeededPipelineTests {

    @ParameterizedTest
    @ValueSource(strings = {"/api/pipeline/summary", "/api/pipeline/breakdown?by=stage", "/api/pipeline/deals",
            "/api/pipeline/deals/9001", "/api/pipeline/deals.csv", "/api/pipeline/o2r"})
    void withoutAValidAccessTokenEveryRouteIs401(String path) throws Exception {
        mvc.perform(get(path)).andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:unauthenticated"));
        mvc.perform(get(path).header(HttpHeaders.AUTHORIZATION, "Bearer not-a-token"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/pipeline/summary", "/api/pipeline/breakdown?by=stage", "/api/pipeline/deals",
            "/api/pipeline/deals/9001", "/api/pipeline/deals.csv", "/api/pipeline/o2r"})
    @WithMockUser(roles = "GUEST")
    void aPrincipalWithoutAReadingRoleIs403(String path) throws Exception {
        mvc.perform(get(path)).andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:forbidden"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/pipeline/summary?region=APAC", "/api/pipeline/breakdown?by=stage&region=apac",
            "/api/pipeline/deals?region=APAC", "/api/pipeline/deals.csv?region=AMER",
            "/api/pipeline/o2r?region=UNASSIGNED"})
    void aViewerNamingAnotherRegionIs403RegionForbidden(String path) throws Exception {
        MvcResult result = mvc.perform(get(path).header(HttpHeaders.AUTHORIZATION, callers.emeaViewer.bearer()))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:region-forbidden")).andReturn();
        assertThat(result.getResponse().getContentAsString()).doesNotContain("9003", "Initech");
        // Their own region by name is fine.
        mvc.perform(get(path.replaceAll("(?i)region=[a-z]+", "region=emea"))
                .header(HttpHeaders.AUTHORIZATION, callers.emeaViewer.bearer())).andExpect(status().isOk());
    }

    @Test
    void aViewerGets404ForAnotherRegionsDealAndSeesOwnRegionOnly() throws Exception {
        for (String other : List.of("9002", "9003", "9009")) { // AMER, APAC, UNASSIGNED
            mvc.perform(get("/api/pipeline/deals/" + other).header(HttpHeaders.AUTHORIZATION,
                    callers.emeaViewer.bearer())).andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:not-found"));
        }
        mvc.perform(get("/api/pipeline/deals/9001").header(HttpHeaders.AUTHORIZATION, callers.emeaViewer.bearer()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.region").value("EMEA"));
        mvc.perform(get("/api/pipeline/deals/9001").header(HttpHeaders.AUTHORIZATION, callers.apacViewer.bearer()))
                .andExpect(status().isNotFound());
    }

    @Test
    void adminsSeeEveryRegion() throws Exception {
        assertSeesEveryRegion(callers.admin);
    }

    @Test
    void managersSeeEveryRegion() throws Exception {
        assertSeesEveryRegion(callers.manager);
    }

    private void assertSeesEveryRegion(SignedIn who) throws Exception {
        assertThat(regionsSeenBy(who)).containsExactly("AMER", "APAC", "EMEA", "UNASSIGNED");
        assertThat(regionsInBreakdown(who)).containsExactly("AMER", "APAC", "EMEA", "UNASSIGNED");
        for (String id : List.of("9001", "9002", "9003", "9009")) {
            json(get("/api/pipeline/deals/" + id), who);
        }
        for (String region : List.of("AMER", "APAC", "EMEA", "UNASSIGNED")) {
            assertThat(json(get("/api/pipeline/o2r?region=" + region), who).path("health").size()).isEqualTo(4);
        }
    }

    @Test
    void viewersSeeTheirOwnRegionInEveryRoute() throws Exception {
        assertThat(regionsSeenBy(callers.emeaViewer)).containsExactly("EMEA");
        assertThat(regionsInBreakdown(callers.emeaViewer)).containsExactly("EMEA");
        assertThat(regionsSeenBy(callers.apacViewer)).containsExactly("APAC");
        assertThat(regionsInBreakdown(callers.apacViewer)).containsExactly("APAC");
        MvcResult csv = mvc.perform(get("/api/pipeline/deals.csv").header(HttpHeaders.AUTHORIZATION,
                callers.apacViewer.bearer())).andExpect(status().isOk()).andReturn();
        String[] lines = csv.getResponse().getContentAsString().split("\r\n");
        Set<String> csvRegions = new TreeSet<>();
        for (int i = 1; i < lines.length; i++) {
            csvRegions.add(lines[i].split(",")[12]);
        }
        assertThat(csvRegions).containsExactly("APAC");
        JsonNode o2r = json(get("/api/pipeline/o2r"), callers.apacViewer);
        o2r.path("attention").forEach(d -> assertThat(d.path("region").asText()).isEqualTo("APAC"));
        assertThat(o2r.path("attention").size()).isEqualTo(2); // 9003 RED, 9010 YELLOW
    }

    private Set<String> regionsSeenBy(SignedIn who) throws Exception {
        JsonNode page = json(get("/api/pipeline/deals?limit=200"), who);
        Set<String> regions = new TreeSet<>();
        page.path("items").forEach(d -> regions.add(d.path("region").asText()));
        return regions;
    }

    private Set<String> regionsInBreakdown(SignedIn who) throws Exception {
        Set<String> regions = new TreeSet<>();
        for (String status : List.of("open", "won", "lost")) {
            json(get("/api/pipeline/breakdown?by=region&status=" + status), who).path("rows").forEach(r -> regions.add(r.path("key").asText()));
        }
        return regions;
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "/api/pipeline/breakdown?by=week; by", "/api/pipeline/breakdown; by",
            "/api/pipeline/breakdown?by=stage&status=pending; status",
            "/api/pipeline/summary?status=closed; status", "/api/pipeline/o2r?health=ORANGE; health",
            "/api/pipeline/deals?sort=name; sort", "/api/pipeline/deals?sort=--amount; sort",
            "/api/pipeline/deals?limit=0; limit", "/api/pipeline/deals?limit=201; limit",
            "/api/pipeline/deals?limit=ten; limit", "/api/pipeline/deals?cursor=bm90LWEtY3Vyc29y; cursor",
            "/api/pipeline/deals?cursor=%25%25; cursor", "/api/pipeline/deals.csv?sort=owner; sort",
            "/api/pipeline/deals.csv?closing_from=2026-13-01; closing_from",
            "/api/pipeline/summary?closing_to=31.01.2026; closing_to",
            "/api/pipeline/o2r?closing_from=2026-02-01&closing_to=2026-01-31; closing_from",
            "/api/pipeline/breakdown?by=region&closing_from=yesterday; closing_from",
            "/api/pipeline/deals?region=EM-EA; region", "/api/pipeline/summary?region=EMAE; region",
            "/api/pipeline/o2r?region=US; region", "/api/pipeline/summary?owner_id=a%20b; owner_id"})
    void everyBadParameterIsA400NamingIt(String path, String parameter) throws Exception {
        mvc.perform(get(path).header(HttpHeaders.AUTHORIZATION, callers.manager.bearer()))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value(parameter))
                .andExpect(jsonPath("$.detail").value(containsString("'" + parameter + "'")));
    }

    @Test
    void aCursorOfAnotherSortIsRefused() throws Exception {
        JsonNode first = json(get("/api/pipeline/deals?limit=2&sort=modified"), callers.admin);
        String cursor = first.path("next_cursor").asText();
        mvc.perform(get("/api/pipeline/deals?limit=2&sort=-modified").param("cursor", cursor)
                .header(HttpHeaders.AUTHORIZATION, callers.admin.bearer())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("cursor"));
        List<String> ids = new ArrayList<>();
        json(get("/api/pipeline/deals?limit=2&sort=modified").param("cursor", cursor), callers.admin).path("items").forEach(d -> ids.add(d.path("id").asText()));
        assertThat(ids).hasSize(2);
    }

    @Test
    void theOpenApiDescriptionDescribesEveryRouteWithItsParameters() throws Exception {
        JsonNode paths = PipelineTestSupport.read(mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andReturn()).path("paths");
        for (String path : List.of("/api/pipeline/summary", "/api/pipeline/breakdown", "/api/pipeline/deals",
                "/api/pipeline/deals/{id}", "/api/pipeline/deals.csv", "/api/pipeline/o2r")) {
            JsonNode get = paths.path(path).path("get");
            assertThat(get.path("summary").asText()).as(path).isNotBlank();
            assertThat(get.path("responses").has("401")).as(path).isTrue();
            Set<String> parameters = new TreeSet<>();
            get.path("parameters").forEach(p -> parameters.add(p.path("name").asText()));
            if (!path.endsWith("{id}")) {
                assertThat(parameters).as(path).contains("region", "owner_id", "stage", "status", "health",
                        "closing_from", "closing_to", "q").doesNotContain("ownerId", "closingFrom");
                assertThat(get.path("responses").has("400")).as(path).isTrue();
                assertThat(get.path("responses").has("403")).as(path).isTrue();
            }
        }
        assertThat(texts(paths.path("/api/pipeline/deals").path("get").path("parameters"))).contains("limit", "cursor",
                "sort");
        assertThat(texts(paths.path("/api/pipeline/breakdown").path("get").path("parameters"))).contains("by");
    }

    private static List<String> texts(JsonNode parameters) {
        List<String> names = new ArrayList<>();
        parameters.forEach(p -> names.add(p.path("name").asText()));
        return names;
    }
}
