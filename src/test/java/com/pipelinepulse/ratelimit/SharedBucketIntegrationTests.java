package com.pipelinepulse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/** Two instances of the service on one database take tokens from one bucket. */
@RateLimitTestContext
class SharedBucketIntegrationTests {

    private static final String CLIENT = "203.0.113.50";

    @LocalServerPort
    int port;

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

    private static ConfigurableApplicationContext startSecondInstance() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        // The same Zoho settings as the first instance; starting a sign-in needs a client id and secret
        // but sends nothing to Zoho, so the secret is any value made up here.
        settings.put("pipelinepulse.zoho.accounts-url", ZohoStandIn.baseUrl());
        settings.put("pipelinepulse.zoho.data-centers", ZohoStandIn.dataCentersSetting());
        settings.put("PP_ZOHO_CLIENT_ID", ZohoStandIn.CLIENT_ID);
        settings.put("PP_ZOHO_CLIENT_SECRET", "second-" + UUID.randomUUID());
        // The same small limits as the first instance, as --name=value arguments.
        Properties limits = new Properties();
        try (InputStream in = SharedBucketIntegrationTests.class.getResourceAsStream("/ratelimit-test.properties")) {
            limits.load(in);
        }
        limits.forEach((name, value) -> settings.put((String) name, (String) value));
        return SecondInstance.start(settings, context -> context.getBeanFactory()
                .registerSingleton("excludeTestConfigurations", new ExcludeTestConfigurations()));
    }

    /**
     * Component scanning of a plain application run would pick up the test configurations on the classpath (this
     * module's probes, other tests' stand-ins); the second instance must be the production configuration only.
     */
    static final class ExcludeTestConfigurations extends TypeExcludeFilter {
        @Override
        public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
            String name = reader.getClassMetadata().getClassName();
            return reader.getAnnotationMetadata().hasAnnotation(TestConfiguration.class.getName())
                    || name.contains("Tests$") || name.startsWith("com.pipelinepulse.testsupport.");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ExcludeTestConfigurations;
        }

        @Override
        public int hashCode() {
            return ExcludeTestConfigurations.class.hashCode();
        }
    }
}
