package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/** Bearer requests through the verified-token cache: a cached token stops working the moment its session ends. */
@IntegrationTest
class VerifiedTokenCacheIntegrationTests {

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JwtAccessTokens tokens;

    @Test
    void aCachedTokenOfASessionEndedElsewhereIsRefusedAtOnce() throws Exception {
        TestSessions sessions = new TestSessions(users, opener, jdbc, mvc);
        UserAccount person = sessions.user(Role.VIEWER);
        SignedIn laptop = sessions.signIn(person);
        SignedIn phone = sessions.signIn(person);

        me(laptop).andExpect(status().isOk());
        long hits = tokens.cacheHits();
        me(laptop).andExpect(status().isOk()).andExpect(jsonPath("$.session_id").value(laptop.sessionId().toString()));
        assertThat(tokens.cacheHits()).as("the second request was answered from the cache").isEqualTo(hits + 1);

        // "Sign out everywhere else" from the phone ends the laptop's session.
        mvc.perform(delete("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, phone.bearer()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.ended_sessions").value(1));

        me(laptop).andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:invalid-token"));
        me(phone).andExpect(status().isOk());
    }

    private org.springframework.test.web.servlet.ResultActions me(SignedIn who) throws Exception {
        return mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, who.bearer()));
    }
}
