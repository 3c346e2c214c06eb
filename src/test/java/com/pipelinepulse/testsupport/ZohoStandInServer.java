package com.pipelinepulse.testsupport;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The repository's Zoho stand-in (src/test/resources/zoho-stand-in, see its README) served in-process by WireMock
 * with global response templating, on a port of the caller's choice and owned by the caller (for
 * {@code ./mvnw spring-boot:test-run} on 8090, and for the browser test).
 *
 * <p>Its base URL always names {@code localhost}: the stand-in renders the accounts server of a data centre from
 * the Host header the caller used, so the browser, the API and the configured data-centre table must all say
 * the same host for the callback's {@code accounts-server} to match. It listens on the loopback address only.
 */
public final class ZohoStandInServer implements AutoCloseable {

    /** Every data centre the stand-in serves, as {@code B/<loc>} (its README). */
    public static final List<String> DATA_CENTRES = List.of("us", "eu", "in", "au", "jp", "ca", "sa", "uk", "cn");

    /** Client credentials the stand-in accepts (it refuses only {@code stand-in-wrong-client} or none). */
    public static final String CLIENT_ID = "local-stand-in-client";
    public static final String CLIENT_SECRET = "local-stand-in-secret";

    /** A user of the sign-in page: {@code <a id="user-<key>">}. */
    public record SampleUser(String key, String name, String email, String loc, String country) {
    }

    /** How many generated deals the stand-in's CRM holds unless told otherwise ({@code PP_STAND_IN_DEALS}). */
    public static final int DEFAULT_DEALS = 500;

    private final WireMockServer server;
    private final ZohoCrmPipeline crm;

    private ZohoStandInServer(WireMockServer server, ZohoCrmPipeline crm) {
        this.server = server;
        this.crm = crm;
    }

    /** Starts the stand-in on {@code port} (0 picks a free one) with {@link #DEFAULT_DEALS} generated deals. */
    public static ZohoStandInServer start(int port) {
        return start(port, DEFAULT_DEALS);
    }

    /** Starts the stand-in on {@code port} (0 picks a free one) with {@code deals} generated deals (seed 1). */
    public static ZohoStandInServer start(int port, int deals) {
        return start(options().port(port), deals);
    }

    /**
     * As {@link #start(int, int)}, but over https only (HTTP/1.1), with the key pair of a PKCS12 keystore: the
     * benchmarks run the API in production mode, whose start-up validator accepts only https Zoho servers
     * (perf/common.sh makes a self-signed key pair and a truststore per run).
     */
    public static ZohoStandInServer startHttps(int port, int deals, String keystore, String password) {
        return start(options().httpDisabled(true).httpsPort(port).keystorePath(keystore).keystoreType("PKCS12")
                .keystorePassword(password).keyManagerPassword(password).http2TlsDisabled(true), deals);
    }

    private static ZohoStandInServer start(WireMockConfiguration options, int deals) {
        ZohoCrmPipeline crm = new ZohoCrmPipeline();
        crm.generate(deals, 1L);
        WireMockServer server = new WireMockServer(options
                .bindAddress("127.0.0.1")
                .usingFilesUnderClasspath("zoho-stand-in")
                .globalTemplating(true)
                .extensions(crm));
        server.start();
        crm.stubOn(server);
        return new ZohoStandInServer(server, crm);
    }

    /**
     * The stand-in in a process of its own, for benchmarks: {@code [port [deals [keystore password]]]} (8090, 500;
     * with a PKCS12 keystore and its password: https only, {@link #startHttps}). Runs until killed.
     * Started by perf/StandInMain.java: a {@code main} here would make a second main class on the test classpath,
     * and {@code spring-boot:test-run} would no longer know which to start.
     */
    public static void serveStandalone(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        int deals = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_DEALS;
        ZohoStandInServer standIn = args.length > 3 ? startHttps(port, deals, args[2], args[3]) : start(port, deals);
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "zoho-stand-in-stop"));
        System.out.println("Zoho stand-in on " + standIn.baseUrl() + " with " + deals + " deals");
    }

    /** The CRM pipeline data this stand-in serves. */
    public ZohoCrmPipeline crm() {
        return crm;
    }

    public int port() {
        return server.isHttpEnabled() ? server.port() : server.httpsPort();
    }

    /** B in the stand-in's README, e.g. {@code http://localhost:8090} ({@code https://} when started by {@link #startHttps}). */
    public String baseUrl() {
        return (server.isHttpEnabled() ? "http" : "https") + "://localhost:" + port();
    }

    /** The data-centre table in the {@code PP_ZOHO_DATA_CENTERS} format: {@code us=B/us,eu=B/eu,...}. */
    public String dataCentres() {
        return DATA_CENTRES.stream().map(loc -> loc + "=" + baseUrl() + "/" + loc).collect(Collectors.joining(","));
    }

    /**
     * The settings that point the API at this stand-in, under both their operator names (PP_*, which the
     * configuration files read) and their {@code pipelinepulse.zoho.*} property names (which win over any value a
     * profile's file sets directly).
     */
    public Map<String, String> apiSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("PP_ZOHO_ACCOUNTS_URL", baseUrl());
        settings.put("PP_ZOHO_DATA_CENTERS", dataCentres());
        settings.put("PP_ZOHO_CLIENT_ID", CLIENT_ID);
        settings.put("PP_ZOHO_CLIENT_SECRET", CLIENT_SECRET);
        settings.put("pipelinepulse.zoho.accounts-url", baseUrl());
        settings.put("pipelinepulse.zoho.data-centers", dataCentres());
        return settings;
    }

    /** The sample users, read from the sign-in page template so that this list never drifts from the page. */
    public static List<SampleUser> sampleUsers() {
        String page;
        try (InputStream in = ZohoStandInServer.class.getResourceAsStream("/zoho-stand-in/__files/authorize.html")) {
            if (in == null) {
                throw new IllegalStateException("zoho-stand-in/__files/authorize.html is not on the classpath");
            }
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String open = "{{#parseJson 'users'}}";
        int start = page.indexOf(open);
        int end = page.indexOf("{{/parseJson", start);
        if (start < 0 || end < 0) {
            throw new IllegalStateException("authorize.html no longer declares its users with {{#parseJson 'users'}}");
        }
        try {
            return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(page.substring(start + open.length(), end), new TypeReference<List<SampleUser>>() {
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
