package com.pipelinepulse.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.identity.ZohoProfile;
import com.pipelinepulse.pipeline.sync.DealIngestion;
import com.pipelinepulse.testsupport.MutableClock;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Seeds {@link PipelineSeed} through the sync's own storage path ({@link DealIngestion}: derivation included) with
 * today fixed, and signs in one caller per role: an admin, a manager, a viewer in EMEA and a viewer in APAC.
 */
final class PipelineTestSupport {

    /** Reads numbers exactly as written (2 decimals stay 2 decimals), so money can be checked to the character. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    final SignedIn admin;
    final SignedIn manager;
    final SignedIn emeaViewer;
    final SignedIn apacViewer;

    PipelineTestSupport(MockMvc mvc, JdbcClient jdbc, UserDirectory users, TestSessions sessions,
            DealIngestion ingestion, MutableClock clock) throws Exception {
        clock.fixAt(PipelineSeed.NOW);
        jdbc.sql("delete from pipeline_deal").update();
        jdbc.sql("delete from pipeline_currency_snapshot").update();
        // Our APAC user, Zoho user id 1003: owner of the deal without a region value.
        UserAccount apac = users.recordSignIn(new ZohoProfile(PipelineSeed.APAC_OWNER_ID,
                "owner" + PipelineSeed.APAC_OWNER_ID + "@example.com", "Chen Apac", "India", "en_IN"));
        jdbc.sql("update app_user set role = 'viewer', region = 'APAC' where id = :id").param("id", apac.id()).update();
        ingestion.storeCurrencies(PipelineSeed.HOME, PipelineSeed.RATES);
        ingestion.store(PipelineSeed.DEALS.stream().map(d -> d.zohoRecord(JSON)).toList());
        ingestion.markDeleted(PipelineSeed.DEALS.stream().filter(PipelineSeed.Seed::deleted)
                .map(PipelineSeed.Seed::id).toList(), PipelineSeed.NOW);

        admin = sessions.signIn(Role.ADMIN);
        manager = sessions.signIn(Role.MANAGER);
        UserAccount emea = sessions.user(Role.VIEWER);
        jdbc.sql("update app_user set region = 'EMEA' where id = :id").param("id", emea.id()).update();
        emeaViewer = signIn(mvc, sessions, users.find(emea.id()).orElseThrow());
        apacViewer = signIn(mvc, sessions, users.find(apac.id()).orElseThrow());
    }

    List<SignedIn> everyone() {
        return List.of(admin, manager, emeaViewer, apacViewer);
    }

    private static SignedIn signIn(MockMvc mvc, TestSessions sessions, UserAccount user) throws Exception {
        SignedIn opened = sessions.open(user);
        MvcResult result = mvc.perform(TestSessions.refresh(opened.refreshToken())).andReturn();
        String access = JSON.readTree(result.getResponse().getContentAsString()).get("access_token").asText();
        return new SignedIn(user, opened.sessionId(), TestSessions.cookieValue(result), access);
    }

    static String bearer(SignedIn who) {
        return who.bearer();
    }

    static JsonNode read(MvcResult result) throws Exception {
        return JSON.readTree(result.getResponse().getContentAsString());
    }

    static final String AUTHORIZATION = HttpHeaders.AUTHORIZATION;
}
