package com.pipelinepulse.web;

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

@IntegrationTest
class PingIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Test
    void anyoneGetsOkWithTheSecurityHeadersAndNothingCached() throws Exception {
        mvc.perform(get("/api/ping"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.status").value("ok"))
                .andExpect(header().string("Cache-Control", "no-store"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().exists("X-Request-Id"));
    }

    @Test
    void onlyGetIsServed() throws Exception {
        // Everything else under /api is denied unless a rule permits it.
        mvc.perform(post("/api/ping")).andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void theApiSpeaksJsonOnly() throws Exception {
        // XML and YAML converters come with libraries on the class path; the API must not answer in them.
        for (String other : new String[] {"application/yaml", "application/xml", "text/xml"}) {
            mvc.perform(get("/api/ping").accept(other))
                    .andExpect(status().isNotAcceptable());
        }
        mvc.perform(get("/api/ping").accept("application/yaml", "application/json;q=0.5"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON));
    }
}
