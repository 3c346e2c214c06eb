package com.pipelinepulse.zoho.signin;

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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * One browser going through sign-in: it keeps its own state cookie, loads the stand-in's sign-in page over real
 * HTTP and follows a link from it to our callback, the way a person's browser would.
 */
final class SignInBrowser {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MockMvc mvc;
    private final String clientAddress;
    private Cookie stateCookie;
    private URI authorizationUrl;

    SignInBrowser(MockMvc mvc) {
        this(mvc, null);
    }

    /** A browser whose requests come from {@code clientAddress} (its own rate-limit bucket); null: MockMvc's. */
    SignInBrowser(MockMvc mvc, String clientAddress) {
        this.mvc = mvc;
        this.clientAddress = clientAddress;
    }

    /** {@code GET /api/zoho/auth?return_to=...}; keeps the state cookie and Zoho URL it answers with. */
    MvcResult start(String returnTo) throws Exception {
        var request = get("/api/zoho/auth").secure(true);
        fromClientAddress(request);
        if (returnTo != null) {
            request.param("return_to", returnTo);
        }
        MvcResult result = mvc.perform(request).andReturn();
        assertThat(result.getResponse().getStatus()).as("start status").isEqualTo(302);
        stateCookie = result.getResponse().getCookie(ZohoSignInController.STATE_COOKIE);
        assertThat(stateCookie).as("state cookie").isNotNull();
        authorizationUrl = URI.create(result.getResponse().getHeader("Location"));
        return result;
    }

    URI authorizationUrl() {
        return authorizationUrl;
    }

    Cookie stateCookie() {
        return stateCookie;
    }

    /** The {@code href} of the stand-in sign-in page's link with this id ({@code user-<key>} or {@code deny}). */
    URI link(String id) throws IOException, InterruptedException {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(authorizationUrl).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as("stand-in sign-in page").isEqualTo(200);
        Matcher link = Pattern.compile("<a id=\"" + Pattern.quote(id) + "\" href=\"([^\"]*)\"").matcher(page.body());
        assertThat(link.find()).as("link " + id + " on the sign-in page").isTrue();
        return URI.create(htmlUnescape(link.group(1)));
    }

    /** Follows a link to our callback, sending this browser's state cookie. */
    MvcResult callback(URI link) throws Exception {
        return callback(link, stateCookie);
    }

    /** Follows a link to our callback with the given cookie (null: none). */
    MvcResult callback(URI link, Cookie cookie) throws Exception {
        var request = get(link);
        fromClientAddress(request);
        if (cookie != null) {
            request.cookie(cookie);
        }
        return mvc.perform(request).andReturn();
    }

    private void fromClientAddress(MockHttpServletRequestBuilder request) {
        if (clientAddress != null) {
            request.with(r -> {
                r.setRemoteAddr(clientAddress);
                return r;
            });
        }
    }

    /** The decoded query parameters of a URL. */
    static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        UriComponentsBuilder.fromUri(uri).build().getQueryParams().forEach((name, values) -> params.put(name,
                values.get(0) == null ? null : UriUtils.decode(values.get(0), StandardCharsets.UTF_8)));
        return params;
    }

    /** The URL with one query parameter replaced (null value: removed). */
    static URI withParam(URI uri, String name, String value) {
        Map<String, String> params = query(uri);
        if (value == null) {
            params.remove(name);
        } else {
            params.put(name, value);
        }
        UriComponentsBuilder builder = UriComponentsBuilder.fromUri(uri).replaceQuery(null);
        params.forEach((n, v) -> builder.queryParam(n, UriUtils.encode(v, StandardCharsets.UTF_8)));
        return builder.build(true).toUri();
    }
}
