package com.pipelinepulse.testsupport;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The repository's Zoho stand-in ({@code src/test/resources/zoho-stand-in}) served by one in-process WireMock
 * per JVM, and the settings that point the application at it. Every {@link IntegrationTest} context uses the
 * {@link Settings} initializer, so they share one cached context.
 */
public final class ZohoStandIn {

    /** Every location the stand-in models; each is served under {@code B/<loc>}. */
    public static final List<String> LOCATIONS = List.of("us", "eu", "in", "au", "jp", "ca", "sa", "uk", "cn");

    /** The client id the tests configure (the stand-in refuses only {@code stand-in-wrong-client}). */
    public static final String CLIENT_ID = "pp-test-client";

    private static WireMockServer server;
    private static ZohoCrmPipeline crm;
    private static String clientSecret;

    private ZohoStandIn() {
    }

    public static synchronized WireMockServer server() {
        if (server == null) {
            ZohoCrmPipeline pipeline = new ZohoCrmPipeline();
            WireMockServer started = new WireMockServer(options()
                    .dynamicPort()
                    .bindAddress("127.0.0.1")
                    .usingFilesUnderClasspath("zoho-stand-in")
                    .globalTemplating(true)
                    .extensions(pipeline));
            started.start();
            pipeline.stubOn(started);
            crm = pipeline;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "zoho-stand-in-stop"));
            server = started;
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            clientSecret = "test-" + HexFormat.of().formatHex(secret);
        }
        return server;
    }

    /** The client secret the tests configure (generated per JVM), for checking what the token endpoint received. */
    public static String clientSecret() {
        server();
        return clientSecret;
    }

    /** The stand-in's CRM pipeline data (Deals, deleted, currencies), empty until a test fills it. */
    public static ZohoCrmPipeline crm() {
        server();
        return crm;
    }

    /** {@code B}: the stand-in's base URL. */
    public static String baseUrl() {
        return "http://localhost:" + server().port();
    }

    /** The accounts server of a data centre: {@code B/<loc>}. */
    public static String accountsServer(String location) {
        return baseUrl() + "/" + location;
    }

    /** The data-centre table pointing every location at the stand-in. */
    public static String dataCentersSetting() {
        return LOCATIONS.stream().map(loc -> loc + "=" + accountsServer(loc)).collect(Collectors.joining(","));
    }

    /** Points the application at the stand-in: sign-in URL, data-centre table, client id and secret. */
    public static final class Settings implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            server();
            TestPropertyValues.of(
                    "pipelinepulse.zoho.accounts-url=" + baseUrl(),
                    "pipelinepulse.zoho.data-centers=" + dataCentersSetting(),
                    "PP_ZOHO_CLIENT_ID=" + CLIENT_ID,
                    "PP_ZOHO_CLIENT_SECRET=" + clientSecret).applyTo(context);
        }
    }
}
