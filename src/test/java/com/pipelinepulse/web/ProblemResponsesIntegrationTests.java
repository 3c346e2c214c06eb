package com.pipelinepulse.web;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Every error the API can produce is problem+json with a stable type and the request id. */
@IntegrationTest
class ProblemResponsesIntegrationTests {

    @Autowired
    MockMvc mvc;

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
