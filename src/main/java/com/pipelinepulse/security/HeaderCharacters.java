package com.pipelinepulse.security;

/**
 * Spring Security's firewall rule for header names and values, without a regular expression. Its defaults are the
 * patterns {@code [\p{IsAssigned}&&[^\p{IsControl}]]*} (names) and the same with a tab allowed (values), matched
 * code point by code point; that ran over every character of a bearer token each time a filter read the
 * {@code Authorization} header, 4 % of a {@code GET /api/auth/me} (docs/benchmarks.md). These methods decide exactly
 * as the patterns do ({@code HeaderCharactersTests} compares them over every code point and against the firewall's
 * own defaults): printable ASCII at once, anything else by its Unicode general category.
 */
final class HeaderCharacters {

    private HeaderCharacters() {
    }

    /** A header name: every code point assigned and not a control character. */
    static boolean allowedName(String name) {
        return assignedAndNotControl(name, false);
    }

    /** A header value: as a name, and a tab is allowed. */
    static boolean allowedValue(String value) {
        return assignedAndNotControl(value, true);
    }

    private static boolean assignedAndNotControl(String text, boolean tabAllowed) {
        int length = text.length();
        int i = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f || tabAllowed && c == '\t') {
                i++;
                continue;
            }
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
