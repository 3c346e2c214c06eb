package com.pipelinepulse.testsupport;

import static com.pipelinepulse.testsupport.TestText.randomHex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canary secrets and emails for "nothing secret reaches the logs" tests, generated at run time (no
 * secret-shaped literal lives in the repository), and the assertions over captured output.
 *
 * <p>Use: create one instance per test, feed its values to the code under test (as secrets, tokens, Zoho
 * responses, request parameters, user emails), capture everything the profile prints (Spring Boot's
 * {@code OutputCaptureExtension}), then call {@link #assertNoLeakIn(String)}; in the default profile also
 * {@link #assertEveryLineIsJson(String)}. An end-to-end canary can {@link #add(String, String)} values that
 * only it knows (for example a refresh token the service issued).
 */
public final class LogCanaries {


    /** Any email address whose local part is not reduced to one character and {@code ***}. */
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+*-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<String> emails = new ArrayList<>();

    public LogCanaries() {
        secrets.put("jwt", TestKeys.jwtShaped(""));
        secrets.put("zoho access token", zohoToken());
        secrets.put("zoho refresh token", zohoToken());
        secrets.put("bearer credential", "canary" + randomHex(16));
        secrets.put("zoho-oauthtoken credential", "canary" + randomHex(16));
        secrets.put("authorization code", "canarycode" + randomHex(12));
        secrets.put("oauth state", "canarystate" + randomHex(12));
        secrets.put("refresh_token parameter", "canaryrt" + randomHex(16));
        secrets.put("client_secret parameter", "canarycs" + randomHex(16));
        secrets.put("password parameter", "canarypw" + randomHex(8));
        secrets.put("aws access key", TestKeys.awsKeyIdShaped("AKIA"));
        secrets.put("aws session key", TestKeys.awsKeyIdShaped("ASIA"));
        emails.add("canary." + randomHex(4) + "@example.com");
        emails.add("Zed_" + randomHex(3) + "+tag@sub.example.org");
    }

    /** A JWT-shaped value (three base64url segments, JSON header), signed by nothing. */
    public String jwt() {
        return secrets.get("jwt");
    }

    public String zohoAccessToken() {
        return secrets.get("zoho access token");
    }

    public String zohoRefreshToken() {
        return secrets.get("zoho refresh token");
    }

    public String bearerCredential() {
        return secrets.get("bearer credential");
    }

    public String zohoOauthCredential() {
        return secrets.get("zoho-oauthtoken credential");
    }

    public String authorizationCode() {
        return secrets.get("authorization code");
    }

    public String state() {
        return secrets.get("oauth state");
    }

    public String refreshToken() {
        return secrets.get("refresh_token parameter");
    }

    public String clientSecret() {
        return secrets.get("client_secret parameter");
    }

    public String password() {
        return secrets.get("password parameter");
    }

    public String awsAccessKey() {
        return secrets.get("aws access key");
    }

    public String awsSessionKey() {
        return secrets.get("aws session key");
    }

    public List<String> emails() {
        return List.copyOf(emails);
    }

    /** A fresh random value that is shaped like nothing: only a sensitive field name can hide it. */
    public String plain(String description) {
        return add(description, "canaryplain" + randomHex(12));
    }

    /** Registers one more value that must never be logged, and returns it. */
    public String add(String description, String value) {
        secrets.put(description, value);
        return value;
    }

    /** A marker for a line-break injection: it may appear in the output, but never at the start of a line. */
    public String forgedLineMarker() {
        return secrets.computeIfAbsent("forged line marker (checked separately)", k -> "FORGED" + randomHex(6));
    }

    /** No canary value and no full email (of any address) appears anywhere in {@code output}. */
    public void assertNoLeakIn(String output) {
        secrets.forEach((description, value) -> {
            if (!description.startsWith("forged line marker")) {
                assertThat(output).as("the %s canary leaked into the logs", description).doesNotContain(value);
            }
        });
        for (String email : emails) {
            assertThat(output).as("a canary email leaked into the logs").doesNotContainIgnoringCase(email);
        }
        List<String> fullEmails = new ArrayList<>();
        Matcher matcher = EMAIL.matcher(output);
        while (matcher.find()) {
            fullEmails.add(matcher.group());
        }
        assertThat(fullEmails).as("full email addresses in the logs").isEmpty();
        String marker = secrets.get("forged line marker (checked separately)");
        if (marker != null) {
            for (String line : output.split("\r\n|\r|\n")) {
                assertThat(line).as("a log line was forged by a line break").doesNotStartWith(marker);
            }
        }
    }

    /**
     * Every non-blank line of {@code output} is one JSON object (the default profile's format), and no
     * {@code message} carries a raw line break.
     *
     * @return the parsed lines, for further assertions
     */
    public static List<JsonNode> assertEveryLineIsJson(String output) {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> records = new ArrayList<>();
        for (String line : output.split("\r\n|\r|\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = mapper.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON log line: " + line, e);
            }
            assertThat(node.isObject()).as("JSON log line is an object: %s", line).isTrue();
            assertThat(node.path("message").asText()).as("message without line breaks").doesNotContain("\n", "\r");
            records.add(node);
        }
        return records;
    }

    private static String zohoToken() {
        return "1000." + randomHex(16) + "." + randomHex(16);
    }
}
