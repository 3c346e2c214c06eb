package com.pipelinepulse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.testsupport.SecondInstance;
import com.pipelinepulse.testsupport.ZohoStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Two instances of the service on one database take tokens from one bucket. */
@RateLimitTestContext
class SharedBucketIntegrationTests {

    private static final String CLIENT = "203.0.113.50";

    @LocalServerPort
    int port;

    @Autowired
    Secrets secrets;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoApplicationContextsOnOneDatabaseShareOneBucket() throws Exception {
        try (ConfigurableApplicationContext second = startSecondInstance()) {
            int secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();

            // The real sign-in start on both instances (302 to the Zoho stand-in, no Zoho call): a limit of 3.
            assertThat(signIn(port)).isEqualTo(302);
            assertThat(signIn(port)).isEqualTo(302);
            assertThat(signIn(secondPort)).isEqualTo(302);
            assertThat(signIn(secondPort)).isEqualTo(429);
            assertThat(signIn(port)).isEqualTo(429);
        }
    }

    private int signIn(int targetPort) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + targetPort + "/api/zoho/auth"))
                // The test client connects from 127.0.0.1, a trusted proxy in this configuration.
                .header("X-Forwarded-For", CLIENT).GET().build();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 302) {
            assertThat(response.headers().firstValue("Location")).get().asString()
                    .startsWith(ZohoStandIn.baseUrl() + "/oauth/v2/auth?");
        }
        return response.statusCode();
    }

    /** The second instance with the same small limits as the first (as --name=value arguments). */
    private ConfigurableApplicationContext startSecondInstance() throws IOException {
        Map<String, String> limits = new LinkedHashMap<>();
        Properties properties = new Properties();
        try (InputStream in = SharedBucketIntegrationTests.class.getResourceAsStream("/ratelimit-test.properties")) {
            properties.load(in);
        }
        properties.forEach((name, value) -> limits.put((String) name, (String) value));
        return SecondInstance.startLike(secrets, limits);
    }
}
