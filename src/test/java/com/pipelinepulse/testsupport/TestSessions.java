package com.pipelinepulse.testsupport;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.identity.ZohoProfile;
import com.pipelinepulse.session.SessionOpener;
import jakarta.servlet.http.Cookie;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Signs people in the way the Zoho callback does (UserDirectory + SessionOpener), without Zoho, and drives
 * the cookie endpoints like the SPA.
 */
public final class TestSessions {

    public static final String COOKIE = "__Secure-pp_refresh";
    public static final String SPA_ORIGIN = "https://app.example.com";

    private final UserDirectory users;
    private final SessionOpener opener;
    private final JdbcClient jdbc;
    private final MockMvc mvc;
    private final ObjectMapper json = new ObjectMapper();

    public TestSessions(UserDirectory users, SessionOpener opener, JdbcClient jdbc, MockMvc mvc) {
        this.users = users;
        this.opener = opener;
        this.jdbc = jdbc;
        this.mvc = mvc;
    }

    /** A signed-in person: their refresh cookie value and a fresh access token. */
    public record SignedIn(UserAccount user, UUID sessionId, String refreshToken, String accessToken) {
        public String bearer() {
            return "Bearer " + accessToken;
        }
    }

    public UserAccount user(Role role) {
        String zuid = "zuid-" + UUID.randomUUID();
        UserAccount account = users.recordSignIn(new ZohoProfile(zuid, zuid + "@example.com", "Test " + role.id(),
                "United States", "en_US"));
        if (account.role() != role) {
            jdbc.sql("update app_user set role = :role where id = :id").param("role", role.id())
                    .param("id", account.id()).update();
        }
        return users.find(account.id()).orElseThrow();
    }

    /** Opens a session (refresh cookie only, no access token yet). */
    public SignedIn open(UserAccount user) {
        MockHttpServletResponse response = new MockHttpServletResponse();
        UUID sid = opener.open(user.id(), "JUnit", "203.0.113.7", response);
        return new SignedIn(user, sid, cookieValue(response.getHeader(HttpHeaders.SET_COOKIE)), null);
    }

    /** A user with the given role, signed in, with a refreshed access token. */
    public SignedIn signIn(Role role) throws Exception {
        return signIn(user(role));
    }

    /** The given user, signed in, with a refreshed access token. */
    public SignedIn signIn(UserAccount user) throws Exception {
        SignedIn opened = open(user);
        MvcResult result = mvc.perform(refresh(opened.refreshToken())).andReturn();
        if (result.getResponse().getStatus() != 200) {
            throw new IllegalStateException("refresh failed: " + result.getResponse().getContentAsString());
        }
        JsonNode body = json.readTree(result.getResponse().getContentAsString());
        return new SignedIn(opened.user(), opened.sessionId(), cookieValue(result), body.get("access_token").asText());
    }

    /** A refresh request exactly as the SPA sends it. */
    public static MockHttpServletRequestBuilder refresh(String refreshToken) {
        return cookieEndpoint("/api/auth/refresh", refreshToken);
    }

    public static MockHttpServletRequestBuilder logout(String refreshToken) {
        return cookieEndpoint("/api/auth/logout", refreshToken);
    }

    private static MockHttpServletRequestBuilder cookieEndpoint(String path, String refreshToken) {
        MockHttpServletRequestBuilder request = post(path).header("X-Requested-With", "pipeline-pulse")
                .header(HttpHeaders.ORIGIN, SPA_ORIGIN);
        return refreshToken == null ? request : request.cookie(new Cookie(COOKIE, refreshToken));
    }

    /** The refresh cookie value a response set, or null. */
    public static String cookieValue(MvcResult result) {
        return cookieValue(result.getResponse().getHeader(HttpHeaders.SET_COOKIE));
    }

    public static String cookieValue(String setCookie) {
        if (setCookie == null || !setCookie.startsWith(COOKIE + "=")) {
            return null;
        }
        int end = setCookie.indexOf(';');
        return setCookie.substring(COOKIE.length() + 1, end < 0 ? setCookie.length() : end);
    }
}
