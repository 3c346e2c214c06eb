package com.pipelinepulse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/** The OpenAPI description (enabled in the test profile) names every session and admin endpoint. */
@IntegrationTest
class OpenApiIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Test
    void describesEverySessionAndAdminEndpoint() throws Exception {
        String body = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
        JsonNode paths = new ObjectMapper().readTree(body).get("paths");
        assertThat(paths.at("/~1api~1auth~1refresh/post").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1auth~1logout/post").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1auth~1me/get").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1auth~1sessions/get").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1auth~1sessions~1{id}/delete").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1admin~1users/get").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1admin~1users~1{id}/get").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1admin~1users~1{id}/patch").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1admin~1users~1{id}~1sessions/delete").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1admin~1pipeline~1sync/get").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1admin~1pipeline~1sync/post").isMissingNode()).isFalse();
        assertThat(paths.at("/~1api~1admin~1pipeline~1sync-account/put").isMissingNode()).isFalse();
        assertThat(body).contains("X-Requested-With").contains("bearer");
        assertThat(paths.has("/error")).isFalse();
    }

    @Test
    void theYamlFormOfTheDescriptionIsServedToo() throws Exception {
        // The API's own answers are JSON only (web.JsonOnlyConverters); the description's YAML form is SpringDoc's text.
        String yaml = mvc.perform(get("/v3/api-docs.yaml")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
        assertThat(yaml).startsWith("openapi:").contains("/api/auth/refresh:");
    }
}
