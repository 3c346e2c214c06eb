package com.pipelinepulse.ratelimit;

import static com.pipelinepulse.testsupport.TestText.htmlUnescape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import jakarta.servlet.http.Cookie;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * One browser going through the real sign-in from a given socket address: {@code GET /api/zoho/auth}, the
 * Zoho stand-in's sign-in page over real HTTP, and the link from that page back to our callback, carrying the
 * state cookie like a browser. (The zoho module's SignInBrowser does the same without a chosen address.)
 */
final class SignInAttempt {

    static final String STATE_COOKIE = "pp_zoho_signin";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MockMvc mvc;
    private Cookie stateCookie;
    private URI authorizationUrl;

    SignInAttempt(MockMvc mvc) {
        this.mvc = mvc;
    }

    /** The real sign-in start. */
    static MockHttpServletRequestBuilder start() {
        return get("/api/zoho/auth").secure(true);
    }

    /** Starts from {@code client}; expects the 302 to Zoho and keeps the state cookie and Zoho URL. */
    SignInAttempt startFrom(String client) throws Exception {
        var response = mvc.perform(start().with(from(client))).andReturn().getResponse();
        assertThat(response.getStatus()).as("sign-in start status").isEqualTo(302);
        stateCookie = response.getCookie(STATE_COOKIE);
        assertThat(stateCookie).as("state cookie").isNotNull();
        authorizationUrl = URI.create(response.getHeader("Location"));
        return this;
    }

    /** The link to our callback that the stand-in's sign-in page offers for a user ({@code us-admin}, ...). */
    URI pick(String userKey) throws IOException, InterruptedException {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(authorizationUrl).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as("stand-in sign-in page").isEqualTo(200);
        Matcher link = Pattern.compile("<a id=\"user-" + Pattern.quote(userKey) + "\" href=\"([^\"]*)\"")
                .matcher(page.body());
        assertThat(link.find()).as("link for " + userKey).isTrue();
        return URI.create(htmlUnescape(link.group(1)));
    }

    /** Follows a callback link from {@code client}, with this browser's state cookie. */
    ResultActions callbackFrom(URI link, String client) throws Exception {
        return mvc.perform(get(link).cookie(stateCookie).with(from(client)));
    }

    /** A decoded query parameter of a URL. */
    static String queryParam(URI uri, String name) {
        String raw = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst(name);
        return raw == null ? null : UriUtils.decode(raw, StandardCharsets.UTF_8);
    }

    /** The request arrives from this socket address (MockMvc's default is 127.0.0.1). */
    static RequestPostProcessor from(String socketAddress) {
        return request -> {
            request.setRemoteAddr(socketAddress);
            return request;
        };
    }
}
