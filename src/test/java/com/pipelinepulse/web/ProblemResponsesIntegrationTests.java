package com.pipelinepulse.web;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.LogCanaries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Every error the API can produce is problem+json with a stable type and the request id. */
@IntegrationTest
class ProblemResponsesIntegrationTests {

    @Autowired
    MockMvc mvc;
    @LocalServerPort
    int port;

    @Test
    void unknownPathIsANotFoundProblem() throws Exception {
        expectProblem(mvc.perform(get("/no-such-page")), 404, "not-found");
    }

    @Test
    void apiIsDeniedToAnonymousCallersWithAProblem() throws Exception {
        expectProblem(mvc.perform(get("/api/anything")), 401, "unauthenticated")
                .andExpect(header().string("WWW-Authenticate", "Bearer"));
    }

    @Test
    void wrongMethodIsAMethodNotAllowedProblem() throws Exception {
        expectProblem(mvc.perform(get("/probe/echo")), 405, "method-not-allowed");
    }

    @Test
    void malformedJsonIsABadRequestProblem() throws Exception {
        expectProblem(mvc.perform(post("/probe/echo").contentType(MediaType.APPLICATION_JSON).content("{\"name\":")),
                400, "malformed-body");
    }

    @Test
    void wrongContentTypeIsAnUnsupportedMediaTypeProblem() throws Exception {
        expectProblem(mvc.perform(post("/probe/echo").contentType(MediaType.TEXT_PLAIN).content("name")), 415,
                "unsupported-media-type");
    }

    @Test
    void unhandledErrorIsAGenericProblemWithoutInternals() throws Exception {
        expectProblem(mvc.perform(get("/probe/boom")), 500, "internal-error")
                .andExpect(content().string(not(containsString("probe-internal-detail"))))
                .andExpect(content().string(not(containsString("IllegalStateException"))))
                .andExpect(content().string(not(containsString("at com.pipelinepulse"))));
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void anUnhandledErrorIsLoggedWithItsRequestIdPathAndException(CapturedOutput output) throws Exception {
        int start = output.getOut().length();
        mvc.perform(get("/probe/boom").header("X-Request-Id", "logged-error-0001")).andExpect(status().is(500));

        List<JsonNode> errors = LogCanaries.assertEveryLineIsJson(output.getOut().substring(start)).stream()
                .filter(r -> "ERROR".equals(r.path("level").asText()))
                .filter(r -> "logged-error-0001".equals(r.path("request_id").asText())).toList();
        assertThat(errors).singleElement().satisfies(r -> {
            assertThat(r.path("message").asText()).isEqualTo("Unhandled error on GET /probe/boom");
            assertThat(r.path("request_id").asText()).isEqualTo("logged-error-0001");
            assertThat(r.path("stack_trace").asText()).contains("IllegalStateException")
                    .contains("probe-internal-detail");
        });
    }

    @Test
    void directoryPathsListNothing() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String directory : new String[] {"/", "/static/", "/public/", "/resources/", "/META-INF/",
                "/META-INF/resources/", "/webjars/", "/db/", "/db/migration/", "/com/pipelinepulse/", "/api/"}) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + directory)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("status of %s", directory).isIn(401, 404);
            assertThat(answer.headers().firstValue("Content-Type")).as("type of %s", directory)
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(answer.body()).as("body of %s", directory).doesNotContainIgnoringCase("<html")
                    .doesNotContainIgnoringCase("directory").doesNotContain("V1__").doesNotContain(".class");
        }
    }

    @Test
    void anUnreachableDatabaseIsARetryableServiceUnavailableProblem() throws Exception {
        expectProblem(mvc.perform(get("/probe/database-away")), 503, "service-unavailable")
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(content().string(not(containsString("probe-pool-detail"))));
    }

    @Test
    void wellFormedIncomingRequestIdIsKept() throws Exception {
        mvc.perform(get("/no-such-page").header("X-Request-Id", "client-req-0001"))
                .andExpect(header().string("X-Request-Id", "client-req-0001"))
                .andExpect(jsonPath("$.request_id").value("client-req-0001"));
    }

    @Test
    void malformedIncomingRequestIdIsReplaced() throws Exception {
        mvc.perform(get("/no-such-page").header("X-Request-Id", "bad id\nforged: line"))
                .andExpect(header().string("X-Request-Id", not(containsString("forged"))))
                .andExpect(jsonPath("$.request_id").value(not(containsString("forged"))));
    }

    private static ResultActions expectProblem(ResultActions result, int status, String slug) throws Exception {
        return result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:" + slug))
                .andExpect(jsonPath("$.title").isString())
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.instance").isString())
                .andExpect(jsonPath("$.request_id").isString())
                .andExpect(content().string(not(containsString("trace"))));
    }
}
