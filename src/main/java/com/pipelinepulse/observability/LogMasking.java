package com.pipelinepulse.observability;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one set of masking rules for everything this service writes where people read it: log messages
 * and stack traces (JSON and local console alike, wired in {@code logback-spring.xml}) and the subject of
 * stored audit events. Masking is the safety net behind "never log a secret", not a licence to log one.
 *
 * <p>What it promises: values shaped like JWTs, Zoho tokens ({@code 1000.<hex>.<hex>}), {@code Bearer},
 * {@code Basic} and {@code Zoho-oauthtoken} credentials, the values of {@code code=}, {@code state=},
 * {@code *token=}, {@code *secret=} and {@code password=} parameters (also as quoted JSON members inside a
 * text), AWS access key ids and email addresses (first character and domain kept: {@code a***@example.com})
 * are replaced. {@link #maskMessage(String)} additionally neutralises line breaks so that one log call is one
 * log line. Field names that {@link #isSensitiveFieldName(String)} accepts are masked whole by the JSON
 * encoder, whatever their value.
 */
public final class LogMasking {

    /** What replaces a masked value. */
    public static final String MASK = "[masked]";

    private record Rule(String name, Pattern pattern, String replacement) {
        String apply(String text) {
            Matcher matcher = pattern.matcher(text);
            return matcher.find() ? matcher.replaceAll(replacement) : text;
        }
    }

    private static final String PARAMETER_NAMES = "code|state|[a-z_-]*token|[a-z_-]*secret|password|passwd|pwd";

    // Order matters only for readability of the result: every rule is applied to the output of the previous.
    private static final List<Rule> RULES = List.of(
            // A JWS/JWE compact serialisation: its header always starts with '{"', base64url "eyJ".
            new Rule("jwt", Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_.-]*"),
                    "[masked-jwt]"),
            // Zoho access and refresh tokens: 1000.<hex>.<hex>.
            new Rule("zoho-token", Pattern.compile("\\b1000\\.[0-9A-Fa-f]{8,}\\.[0-9A-Fa-f]{8,}\\b"),
                    "1000." + MASK),
            new Rule("authorization-credential",
                    Pattern.compile("(?i)\\b(Bearer|Basic|Zoho-oauthtoken)(\\s+|%20|\\+)[A-Za-z0-9._~+/=\\[\\]-]+"),
                    "$1 " + MASK),
            new Rule("sensitive-parameter",
                    Pattern.compile("(?i)(?<![A-Za-z0-9_-])(" + PARAMETER_NAMES + ")=[^&\\s,;\"'<>]+"),
                    "$1=" + MASK),
            new Rule("sensitive-json-member",
                    Pattern.compile("(?i)\"(" + PARAMETER_NAMES + "|authorization|cookie)\"\\s*:\\s*\"[^\"]*\""),
                    "\"$1\":\"" + MASK + "\""),
            new Rule("aws-access-key", Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"), "[masked-aws-key]"),
            new Rule("email",
                    Pattern.compile("(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*"
                            + "@([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})"),
                    "$1***@$2"));

    private static final Rule EMAIL = RULES.get(RULES.size() - 1);

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|[\r\n\u0085\u2028\u2029]");

    private static final List<String> SENSITIVE_FIELD_PARTS = List.of("token", "secret", "password", "passwd",
            "authorization", "cookie", "credential", "apikey");

    private LogMasking() {
    }

    /** {@code text} with every masking rule applied; {@code null} stays {@code null}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (Rule rule : RULES) {
            result = rule.apply(result);
        }
        return result;
    }

    /** Like {@link #mask(String)}, and line breaks become a visible {@code \n} so nobody can forge a log line. */
    public static String maskMessage(String text) {
        String masked = mask(text);
        if (masked == null) {
            return null;
        }
        Matcher matcher = LINE_BREAK.matcher(masked);
        return matcher.find() ? matcher.replaceAll("\\\\n") : masked;
    }

    /** Only the email rule: {@code alice@example.com} becomes {@code a***@example.com}. */
    public static String maskEmail(String text) {
        return text == null ? null : EMAIL.apply(text);
    }

    /**
     * Whether a structured field (a JSON member, a detail key) is secret by its name alone: names containing
     * token, secret, password, authorization, cookie, credential or api key, in any case.
     */
    public static boolean isSensitiveFieldName(String name) {
        if (name == null) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (String part : SENSITIVE_FIELD_PARTS) {
            if (lower.contains(part)) {
                return true;
            }
        }
        return false;
    }
}
