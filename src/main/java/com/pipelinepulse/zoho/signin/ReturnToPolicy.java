package com.pipelinepulse.zoho.signin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.web.util.UriUtils;

/**
 * Decides whether a {@code return_to} value may be appended to the SPA's base URL after sign-in. Only a path
 * inside the SPA is accepted: it starts with a single {@code /}, contains no backslash, control or invisible
 * formatting character, and stays so however often it is percent-decoded (a browser or SPA router may
 * decode it again); the resulting URL must still point at the SPA's own origin. Everything else is refused, never
 * "repaired".
 */
final class ReturnToPolicy {

    static final String DEFAULT = "/";
    static final int MAX_LENGTH = 2048;

    // RFC 3986 path, query and fragment characters, plus '%' for escapes.
    private static final Pattern URI_CHARACTERS = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/?#%\\[\\]]*");
    private static final int MAX_DECODING_ROUNDS = 5;

    private ReturnToPolicy() {
    }

    /** The value to store (the default when none was given), or empty when it must be refused. */
    static Optional<String> accept(String returnTo, URI spaBaseUrl) {
        if (returnTo == null || returnTo.isEmpty()) {
            return Optional.of(DEFAULT);
        }
        if (returnTo.length() > MAX_LENGTH || !URI_CHARACTERS.matcher(returnTo).matches()) {
            return Optional.empty();
        }
        String form = returnTo;
        for (int round = 0; round <= MAX_DECODING_ROUNDS; round++) {
            if (!isSameOriginPath(form)) {
                return Optional.empty();
            }
            if (form.indexOf('%') < 0) {
                return landsOnSpa(returnTo, spaBaseUrl) ? Optional.of(returnTo) : Optional.empty();
            }
            try {
                form = UriUtils.decode(form, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        // Still encoded after several rounds: nobody writes that by accident.
        return Optional.empty();
    }

    private static boolean isSameOriginPath(String value) {
        if (!value.startsWith("/") || value.startsWith("//")) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Spaces are harmless once decoded ("/search?q=a%20b"); tab and newline are not (browsers drop them,
            // so "/\t/evil.example" becomes "//evil.example"), and a raw space never passes URI_CHARACTERS.
            if (c == '\\' || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                return false;
            }
        }
        return true;
    }

    private static boolean landsOnSpa(String returnTo, URI spaBaseUrl) {
        try {
            URI target = URI.create(spaBaseUrl + returnTo);
            return spaBaseUrl.getScheme().equalsIgnoreCase(target.getScheme())
                    && spaBaseUrl.getHost().equalsIgnoreCase(target.getHost())
                    && spaBaseUrl.getPort() == target.getPort()
                    && target.getRawUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
