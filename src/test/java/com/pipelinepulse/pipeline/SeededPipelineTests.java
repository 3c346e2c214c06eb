package com.pipelinepulse.pipeline;

import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.pipeline.sync.DealIngestion;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.MutableClock;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Base of the pipeline route tests (annotated {@code @IntegrationTest} each, sharing the one context): before each
 * test, today is fixed and {@link PipelineSeed} is stored through the sync's storage path with one caller per role
 * signed in ({@link PipelineTestSupport}); after it, the clock is reset and the deals removed.
 */
abstract class SeededPipelineTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    DealIngestion ingestion;
    @Autowired
    MutableClock clock;

    PipelineTestSupport callers;

    @BeforeEach
    void seedDeals() throws Exception {
        callers = new PipelineTestSupport(mvc, jdbc, users, new TestSessions(users, opener, jdbc, mvc), ingestion,
                clock);
    }

    @AfterEach
    void removeDeals() {
        clock.reset();
        jdbc.sql("delete from pipeline_deal").update();
        jdbc.sql("delete from pipeline_currency_snapshot").update();
    }

    /** The JSON of a 200 answer to {@code who}. */
    JsonNode json(MockHttpServletRequestBuilder request, SignedIn who) throws Exception {
        MvcResult result = mvc.perform(request.header(HttpHeaders.AUTHORIZATION, who.bearer()))
                .andExpect(status().isOk()).andReturn();
        return PipelineTestSupport.read(result);
    }
}
