package com.pipelinepulse.security;

import static com.pipelinepulse.testsupport.TestSessions.COOKIE;
import static com.pipelinepulse.testsupport.TestSessions.SPA_ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The CSRF check of the cookie endpoints holds for every spelling of their paths that the router or the firewall
 * could see: percent-encoded letters, path parameters, repeated and trailing slashes. Real HTTP to the embedded
 * Tomcat (MockMvc would not decode anything), each request without {@code X-Requested-With} or {@code Origin}:
 * it must be refused and leave the session exactly as it was.
 */
@IntegrationTest
class CookieEndpointPathSpellingIntegrationTests {

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;

    final HttpClient http = HttpClient.newHttpClient();
    TestSessions sessions;

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/auth/%72efresh", "/api/auth/refres%68", "/api/%61uth/refresh",
            "/api/auth/refresh;jsessionid=0123456789ABCDEF", "/api/auth;x=y/refresh", "/api//auth/refresh",
            "/api/auth//refresh", "/api/auth/refresh/", "/api/auth/%72efresh/"})
    void anotherSpellingOfRefreshWithoutTheCsrfHeaderRotatesNothing(String path) throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));

        HttpResponse<String> response = crossSitePost(path, opened.refreshToken());

        assertRefusedWithoutACookie(path, response);
        assertThat(liveTokens(opened.sessionId())).as("the refresh token was not rotated by %s", path)
                .isEqualTo(1);
        assertThat(rotatedTokens(opened.sessionId())).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/auth/%6cogout", "/api/auth/logou%74", "/api/auth/logout;jsessionid=0123456789ABCDEF",
            "/api//auth/logout", "/api/auth/logout/", "/api/auth/%6Cogout/"})
    void anotherSpellingOfLogoutWithoutTheCsrfHeaderEndsNothing(String path) throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));

        HttpResponse<String> response = crossSitePost(path, opened.refreshToken());

        assertRefusedWithoutACookie(path, response);
        assertThat(jdbc.sql("select revoked_at is null from user_session where id = :id")
                .param("id", opened.sessionId()).query(Boolean.class).single())
                .as("the session was not ended by %s", path).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/auth/%72efresh", "/api/auth/refresh/"})
    void theCheckRefusesTheseSpellingsAsCsrfNotByAccident(String path) throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));

        HttpResponse<String> response = crossSitePost(path, opened.refreshToken());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("urn:pipeline-pulse:problem:csrf-rejected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/auth/%72efresh", "/api/auth/refres%68"})
    void theSpaSpellingWithTheCsrfHeaderIsServedLikeTheCanonicalPath(String path) throws Exception {
        SignedIn opened = sessions.open(sessions.user(Role.VIEWER));

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", COOKIE + "=" + opened.refreshToken())
                .header("X-Requested-With", "pipeline-pulse").header(HttpHeaders.ORIGIN, SPA_ORIGIN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(rotatedTokens(opened.sessionId())).isOne();
    }

    private HttpResponse<String> crossSitePost(String path, String refreshToken) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", COOKIE + "=" + refreshToken)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefusedWithoutACookie(String path, HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status of %s", path).isBetween(400, 499);
        List<String> setCookies = response.headers().allValues(HttpHeaders.SET_COOKIE);
        assertThat(setCookies).as("cookies set by %s", path).noneMatch(c -> c.startsWith(COOKIE + "="));
    }

    private long liveTokens(UUID sessionId) {
        return jdbc.sql("select count(*) from refresh_token where session_id = :sid and rotated_at is null")
                .param("sid", sessionId).query(Long.class).single();
    }

    private long rotatedTokens(UUID sessionId) {
        return jdbc.sql("select count(*) from refresh_token where session_id = :sid and rotated_at is not null")
                .param("sid", sessionId).query(Long.class).single();
    }
}
