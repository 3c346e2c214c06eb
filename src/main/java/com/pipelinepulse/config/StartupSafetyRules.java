package com.pipelinepulse.config;

import com.pipelinepulse.crypto.Sha256;
import com.pipelinepulse.secrets.KeyRing;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * What makes a configuration unsafe. Outside the {@code local} and {@code test} profiles: a missing, short
 * (under 256 bits) or sample JWT key, a redirect URI that is not https, DEBUG or TRACE logging for the root
 * or the application, actuator endpoints beyond health, info and prometheus, a placeholder credential of
 * docker-compose.yml, RDS IAM authentication on a database URL that does not verify the server, no sign-in
 * allow-list (neither Zoho organisations nor email domains). In every profile: the {@code local} profile together
 * with AWS secrets.
 */
final class StartupSafetyRules {

    static final int MINIMUM_KEY_BITS = 256;
    private static final int AES_KEY_BITS = 256;

    /**
     * SHA-256 digests of values published in old READMEs and sample configurations (a key equal to one is public
     * knowledge), compared case-insensitively. Kept as digests so that no secret-looking sample string sits in the
     * code; the values themselves are listed in docs/configuration.md, and a test holds the two lists together.
     */
    static final Set<String> SAMPLE_JWT_KEY_DIGESTS = Set.of(
            "de1f6f2cf8449a6927eb5bf4caec67e62e2d648827286eecb00774b2745c5ab4",
            "dfcab02d627f22634d7250284af43ca7f100a6fed9d9a21e0a1c9bcb468fceb3",
            "78a6c76148cb9a58742db50123c5c63dde01cdcadb51683eaad0dc44ae9569b9",
            "e2186dbdb1bb4193608605e84f33208765b5693b55edd4f730a719a100eeea6f",
            "057ba03d6c44104863dc7361fe4578965d1887360f90a0895882e58a6248fc86",
            "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");

    static final Set<String> ALLOWED_ACTUATOR_ENDPOINTS = Set.of("health", "info", "prometheus");
    static final String REDIRECT_URI = "pipelinepulse.zoho.redirect-uri";
    static final List<String> HTTPS_SETTINGS = List.of("pipelinepulse.zoho.accounts-url",
            "pipelinepulse.zoho.data-centers", "pipelinepulse.spa.base-url", "pipelinepulse.cors.allowed-origins");
    static final String ALLOWED_ZOHO_ORGS = "pipelinepulse.identity.allowed-zoho-orgs";
    static final String ALLOWED_EMAIL_DOMAINS = "pipelinepulse.identity.allowed-email-domains";
    static final String AWS_SECRETS_ENABLED = "pipelinepulse.secrets.aws.enabled";
    static final String ACTUATOR_EXPOSURE = "management.endpoints.web.exposure.include";
    static final String IAM_AUTH = "pipelinepulse.database.iam-auth";
    static final String DATABASE_URL = "spring.datasource.url";
    static final String DRIVER_SSLMODE = "spring.datasource.hikari.data-source-properties.sslmode";

    /**
     * The placeholder credentials of docker-compose.yml (and the Zoho stand-in): public, for a throw-away local
     * stack only. ComposeSettingsTests holds this list and the compose file together.
     */
    static final Map<SecretName, String> COMPOSE_PLACEHOLDERS = Map.of(
            SecretName.DATABASE_PASSWORD, "local-only-placeholder",
            SecretName.DATABASE_MIGRATION_PASSWORD, "local-only-placeholder",
            SecretName.ZOHO_CLIENT_SECRET, "local-stand-in-secret");
    private static final String APPLICATION_LOGGER = "com.pipelinepulse";

    private StartupSafetyRules() {
    }

    static List<String> problems(Environment environment, Secrets secrets) {
        List<String> problems = new ArrayList<>();
        boolean local = environment.acceptsProfiles(Profiles.of("local"));
        boolean test = environment.acceptsProfiles(Profiles.of("test"));
        if (local && environment.getProperty(AWS_SECRETS_ENABLED, Boolean.class, false)) {
            problems.add("the local profile must not be combined with AWS secrets (" + AWS_SECRETS_ENABLED
                    + " / PP_AWS_SECRETS_ENABLED)");
        }
        if (local || test) {
            return problems;
        }
        checkJwtKeys(secrets, problems);
        checkEncryptionKeys(secrets, problems);
        checkRedirectUri(environment, problems);
        checkOtherUrlsAreHttps(environment, problems);
        checkLogLevels(environment, problems);
        checkActuatorExposure(environment, problems);
        checkComposePlaceholders(secrets, problems);
        checkIamVerifiesTheServer(environment, problems);
        checkSignInAllowList(environment, problems);
        return problems;
    }

    private static void checkJwtKeys(Secrets secrets, List<String> problems) {
        Optional<String> text = secrets.find(SecretName.JWT_KEYS);
        if (text.isEmpty()) {
            problems.add("the JWT key ring is missing (AWS secret field jwt.keys or PP_JWT_KEYS)");
            return;
        }
        if (isSampleText(text.get())) {
            problems.add("the JWT key ring contains a documented sample value");
            return;
        }
        KeyRing ring;
        try {
            ring = KeyRing.parse(text.get());
        } catch (IllegalArgumentException e) {
            // KeyRing's messages name the position of a bad entry, never its value.
            problems.add("the JWT key ring is malformed: " + e.getMessage());
            return;
        }
        for (String kid : ring.kids()) {
            byte[] key = ring.key(kid).orElseThrow();
            if (key.length * 8 < MINIMUM_KEY_BITS) {
                problems.add("JWT key '" + kid + "' is shorter than " + MINIMUM_KEY_BITS + " bits");
            }
            if (isSample(key)) {
                problems.add("JWT key '" + kid + "' is a documented sample value");
            }
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * AES-256-GCM needs exactly 256-bit keys; a missing ring would first fail at someone's sign-in. The active key
     * id must not contain {@code .}: stored values are {@code v1.<kid>.<value>}, and instances of older versions
     * (a rolling deployment, a rollback) cannot read a value whose id contains one.
     */
    private static void checkEncryptionKeys(Secrets secrets, List<String> problems) {
        Optional<String> text = secrets.find(SecretName.ENCRYPTION_KEYS);
        if (text.isEmpty()) {
            problems.add("the encryption key ring is missing (AWS secret field encryption.keys or PP_ENCRYPTION_KEYS)");
            return;
        }
        KeyRing ring;
        try {
            ring = KeyRing.parse(text.get());
        } catch (IllegalArgumentException e) {
            problems.add("the encryption key ring is malformed: " + e.getMessage());
            return;
        }
        if (ring.activeKid().contains(".")) {
            problems.add("the active encryption key id '" + ring.activeKid() + "' contains '.', the separator of "
                    + "stored values (v1.<kid>.<value>): put a key whose id has no '.' first (an id with '.' may stay "
                    + "behind it, to decrypt values stored under it)");
        }
        for (String kid : ring.kids()) {
            byte[] key = ring.key(kid).orElseThrow();
            if (key.length * 8 != AES_KEY_BITS) {
                problems.add("encryption key '" + kid + "' is not " + AES_KEY_BITS + " bits");
            }
            Arrays.fill(key, (byte) 0);
        }
    }

    private static boolean isSample(byte[] key) {
        return isSampleValue(new String(key, StandardCharsets.UTF_8));
    }

    static boolean isSampleValue(String value) {
        return SAMPLE_JWT_KEY_DIGESTS.contains(
                HexFormat.of().formatHex(Sha256.of(value.toLowerCase(java.util.Locale.ROOT))));
    }

    /** A sample pasted as the base64url text of a key (it decodes to noise but is still public). */
    private static boolean isSampleText(String ring) {
        for (String entry : ring.split(",")) {
            String trimmed = entry.trim();
            String key = trimmed.substring(trimmed.indexOf(':') + 1);
            if (isSampleValue(key) || isSampleValue(trimmed)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Zoho accounts servers receive the client secret, codes and refresh tokens; the SPA and CORS origins
     * receive cookies and tokens. Outside development none of them may be plain http. Each setting may hold a
     * comma-separated list ({@code us=https://...,eu=https://...} for the data centres, origins for CORS).
     */
    private static void checkOtherUrlsAreHttps(Environment environment, List<String> problems) {
        for (String setting : HTTPS_SETTINGS) {
            String value = environment.getProperty(setting);
            if (value == null || value.isBlank()) {
                continue;
            }
            for (String entry : value.split(",")) {
                String url = entry.contains("=") ? entry.substring(entry.indexOf('=') + 1) : entry;
                if (!url.isBlank() && !url.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https://")) {
                    problems.add(setting + " names a URL that is not https");
                    break;
                }
            }
        }
    }

    private static void checkRedirectUri(Environment environment, List<String> problems) {
        String value = environment.getProperty(REDIRECT_URI);
        if (value == null || value.isBlank()) {
            problems.add("the OAuth redirect URI is not set (" + REDIRECT_URI + " / PP_ZOHO_REDIRECT_URI)");
            return;
        }
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            problems.add("the OAuth redirect URI (" + REDIRECT_URI + ") is not a valid URI");
            return;
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            problems.add("the OAuth redirect URI (" + REDIRECT_URI + ") is not an https URL");
        }
    }

    private static void checkLogLevels(Environment environment, List<String> problems) {
        Map<String, String> levels = Binder.get(environment)
                .bind("logging.level", Bindable.mapOf(String.class, String.class)).orElse(Map.of());
        levels.forEach((logger, level) -> {
            boolean covered = logger.equalsIgnoreCase("root") || logger.equals(APPLICATION_LOGGER)
                    || logger.startsWith(APPLICATION_LOGGER + ".");
            String normalised = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
            if (covered && (normalised.equals("DEBUG") || normalised.equals("TRACE") || normalised.equals("ALL"))) {
                problems.add("log level of '" + logger + "' is " + normalised
                        + " (logging.level." + logger + "); production logs at INFO or above");
            }
        });
    }

    /** Without an allow-list, anyone with a Zoho CRM account in any organisation could sign in. */
    private static void checkSignInAllowList(Environment environment, List<String> problems) {
        Binder binder = Binder.get(environment);
        boolean restricted = false;
        for (String setting : List.of(ALLOWED_ZOHO_ORGS, ALLOWED_EMAIL_DOMAINS)) {
            restricted |= binder.bind(setting, Bindable.listOf(String.class)).orElse(List.of()).stream()
                    .anyMatch(entry -> entry != null && !entry.isBlank());
        }
        if (!restricted) {
            problems.add("nobody is kept from signing in: set the Zoho CRM organisations (" + ALLOWED_ZOHO_ORGS
                    + " / PP_ZOHO_ALLOWED_ORGS) and/or the email domains (" + ALLOWED_EMAIL_DOMAINS
                    + " / PP_ALLOWED_EMAIL_DOMAINS) whose people may sign in");
        }
    }

    private static void checkActuatorExposure(Environment environment, List<String> problems) {
        String include = environment.getProperty(ACTUATOR_EXPOSURE, "");
        for (String endpoint : include.split(",")) {
            String name = endpoint.trim();
            if (!name.isEmpty() && !ALLOWED_ACTUATOR_ENDPOINTS.contains(name)) {
                problems.add("actuator exposes '" + name + "' over HTTP (" + ACTUATOR_EXPOSURE
                        + "); only health, info and prometheus are allowed");
            }
        }
    }

    /** ASVS 13.2.3: no credential of the local stack (docker-compose.yml) outside it. */
    private static void checkComposePlaceholders(Secrets secrets, List<String> problems) {
        COMPOSE_PLACEHOLDERS.forEach((name, placeholder) -> {
            if (secrets.find(name).filter(value -> value.trim().equalsIgnoreCase(placeholder)).isPresent()) {
                problems.add("the secret " + name + " (" + name.environmentVariable()
                        + ") is the placeholder of docker-compose.yml; set a real, unpublished value");
            }
        });
    }

    /**
     * RDS IAM authentication sends a token, and when PostgreSQL refuses it (SQLSTATE 28) the password, to whatever
     * answers at the database address. Only a URL that makes the driver verify the server's certificate and name
     * ({@code sslmode=verify-full}, with no non-validating SSL factory) keeps both from a machine in the path.
     */
    private static void checkIamVerifiesTheServer(Environment environment, List<String> problems) {
        if (!environment.getProperty(IAM_AUTH, Boolean.class, false)) {
            return;
        }
        Map<String, String> parameters = urlParameters(environment.getProperty(DATABASE_URL, ""));
        String sslmode = parameters.getOrDefault("sslmode", environment.getProperty(DRIVER_SSLMODE, ""));
        String factory = parameters.getOrDefault("sslfactory", "");
        if (!"verify-full".equalsIgnoreCase(sslmode.trim()) || factory.endsWith("NonValidatingFactory")) {
            problems.add("RDS IAM authentication (" + IAM_AUTH + " / PP_DATABASE_IAM_AUTH) needs a database URL that "
                    + "verifies the server: add sslmode=verify-full (and sslrootcert=<the RDS CA bundle>) to "
                    + DATABASE_URL + " / PP_DATABASE_URL; without it the IAM token, and the password it falls back "
                    + "to, go to whoever answers at that address");
        }
    }

    /** The query parameters of a JDBC URL (names lower-cased; the last one of a name wins, as in the driver). */
    private static Map<String, String> urlParameters(String url) {
        Map<String, String> parameters = new java.util.HashMap<>();
        int query = url.indexOf('?');
        if (query < 0) {
            return parameters;
        }
        for (String pair : url.substring(query + 1).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                parameters.put(pair.substring(0, equals).toLowerCase(Locale.ROOT),
                        java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }
}
