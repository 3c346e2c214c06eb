package com.pipelinepulse.zoho.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.crypto.Sha256;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * A person's sessions as they come from real sign-ins through the Zoho stand-in (not the test shortcut): each
 * sign-in gets its own hardened refresh cookie, the person sees them all and ends one, or every other one.
 */
@ZohoIntegrationTest
@RecordApplicationEvents
class SessionsThroughSignInIntegrationTests {

    /** The stand-in person these tests sign in as (others sign them in successfully too; jp-viewer must stay new). */
    private static final String PERSON = "us-manager";
    private static final String ZUID = "9000000002";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationEvents events;

    /** One device's sign-in: its refresh cookie, the Set-Cookie header that carried it, and its session. */
    record Device(String cookie, String setCookie, String accessToken, UUID sessionId) {
        String bearer() {
            return "Bearer " + accessToken;
        }
    }

    @Test
    void everySignInGetsItsOwnHardenedCookieAndTheUserEndsOneOrAllOtherSessions() throws Exception {
        Device laptop = signIn();
        endEveryOtherSessionOfThePersonExcept(laptop.sessionId());
        Device phone = signIn();
        Device tablet = signIn();

        // 7.2.3: each cookie is HttpOnly, Secure, SameSite=Strict, scoped to /api/auth, lives as long as the
        // session may (14 days), and no two sessions share a token or a stored hash.
        for (Device device : List.of(laptop, phone, tablet)) {
            assertThat(device.setCookie()).startsWith(TestSessions.COOKIE + "=").contains("; Path=/api/auth",
                    "; Max-Age=1209600", "; Secure", "; HttpOnly", "; SameSite=Strict").doesNotContain("Domain=");
            assertThat(device.cookie()).matches("[A-Za-z0-9_-]{43}");
        }
        assertThat(List.of(laptop.cookie(), phone.cookie(), tablet.cookie())).doesNotHaveDuplicates();
        assertThat(List.of(laptop.sessionId(), phone.sessionId(), tablet.sessionId())).doesNotHaveDuplicates();
        List<String> hashes = jdbc.sql("select encode(token_hash, 'hex') from refresh_token where session_id in "
                        + "(:a, :b, :c)").param("a", laptop.sessionId()).param("b", phone.sessionId())
                .param("c", tablet.sessionId()).query(String.class).list();
        assertThat(hashes).doesNotHaveDuplicates()
                .contains(HexFormat.of().formatHex(Sha256.of(laptop.cookie())),
                        HexFormat.of().formatHex(Sha256.of(phone.cookie())),
                        HexFormat.of().formatHex(Sha256.of(tablet.cookie())));

        // 7.5.2: the person sees all three, the one asking marked current.
        mvc.perform(get("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, phone.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(3)))
                .andExpect(jsonPath("$[?(@.id == '" + phone.sessionId() + "')].current").value(true))
                .andExpect(jsonPath("$[?(@.current == true)]", hasSize(1)));

        // Ends one: that device is out, the others go on.
        mvc.perform(delete("/api/auth/sessions/" + tablet.sessionId()).header(HttpHeaders.AUTHORIZATION,
                phone.bearer())).andExpect(status().isNoContent());
        mvc.perform(TestSessions.refresh(tablet.cookie())).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, tablet.bearer()))
                .andExpect(status().isUnauthorized());

        // Ends every other one: the laptop's cookie and access token stop working, the phone keeps going.
        mvc.perform(delete("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, phone.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ended_sessions").value(1));
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, laptop.bearer()))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value("urn:pipeline-pulse:problem:invalid-token"));
        mvc.perform(TestSessions.refresh(laptop.cookie())).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, phone.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.session_id").value(phone.sessionId().toString()));
        mvc.perform(get("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, phone.bearer()))
                .andExpect(jsonPath("$", hasSize(1)))
                .andExpect(jsonPath("$[0].id").value(phone.sessionId().toString()));
        mvc.perform(TestSessions.refresh(phone.cookie())).andExpect(status().isOk());
        assertThat(revocationReason(laptop.sessionId())).isEqualTo("user_ended_others");
        assertThat(revocationReason(tablet.sessionId())).isEqualTo("user_ended");
        assertThat(revocationReason(phone.sessionId())).isNull();
        assertThat(events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.SESSION_REVOKED)
                && laptop.sessionId().toString().equals(e.details().get("session_id")))).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "user_ended_others"));

        // Nothing else to end: harmless.
        mvc.perform(delete("/api/auth/sessions").header(HttpHeaders.AUTHORIZATION, phone.bearer()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ended_sessions").value(0));
    }

    private Device signIn() throws Exception {
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");
        MvcResult callback = browser.callback(browser.link("user-" + PERSON));
        assertThat(callback.getResponse().getHeader("Location")).isEqualTo("https://app.example.com/");
        String setCookie = callback.getResponse().getHeaders(HttpHeaders.SET_COOKIE).stream()
                .filter(h -> h.startsWith(TestSessions.COOKIE + "=")).findFirst().orElseThrow();
        String cookie = TestSessions.cookieValue(setCookie);
        MvcResult refreshed = mvc.perform(TestSessions.refresh(cookie)).andExpect(status().isOk()).andReturn();
        String accessToken = JsonPath.read(refreshed.getResponse().getContentAsString(), "$.access_token");
        String me = mvc.perform(get("/api/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        return new Device(TestSessions.cookieValue(refreshed), setCookie, accessToken,
                UUID.fromString(JsonPath.read(me, "$.session_id")));
    }

    /** Other tests may have signed this person in before; their sessions are not this test's concern. */
    private void endEveryOtherSessionOfThePersonExcept(UUID keep) {
        jdbc.sql("""
                update user_session set revoked_at = now(), revoked_reason = 'admin'
                 where revoked_at is null and id <> :keep
                   and user_id = (select id from app_user where zoho_user_id = :zuid)""")
                .param("keep", keep).param("zuid", ZUID).update();
    }

    private String revocationReason(UUID sessionId) {
        return jdbc.sql("select revoked_reason from user_session where id = :id").param("id", sessionId)
                .query(String.class).optional().orElse(null);
    }
}
