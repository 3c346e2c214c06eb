package com.pipelinepulse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The per-address limits key on the routed path, not on the raw URI: percent-encoded letters, path parameters,
 * repeated and trailing slashes all take from the bucket of the endpoint they spell. Real HTTP to the embedded
 * Tomcat (MockMvc would decode nothing), from a trusted proxy (127.0.0.1 here) on behalf of an address of this
 * test's own. The sign-in bucket holds 3 here (ratelimit-test.properties).
 */
@RateLimitTestContext
class RateLimitPathSpellingIntegrationTests {

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everySpellingOfTheSignInPathTakesFromTheSignInBucket() throws Exception {
        String client = "203.0.113.191";
        for (String spelling : new String[] {"/api/zoho/%61uth", "/api/zoho/auth;jsessionid=0123456789ABCDEF",
                "/api//zoho/auth/"}) {
            assertThat(get(spelling, client).statusCode()).as("status of %s", spelling).isNotEqualTo(429);
        }
        HttpResponse<String> canonical = get("/api/zoho/auth", client);

        assertThat(canonical.statusCode()).as("the bucket was emptied by the three spellings").isEqualTo(429);
        assertThat(canonical.headers().firstValue("Retry-After")).isPresent();
        assertThat(get("/api/zoho/auth", "203.0.113.192").statusCode()).as("another address").isNotEqualTo(429);
    }

    private HttpResponse<String> get(String path, String client) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
