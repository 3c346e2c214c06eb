package com.pipelinepulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * {@link HeaderCharacters} decides every header name and value exactly as Spring Security's default firewall does:
 * its defaults (read from a new {@link StrictHttpFirewall}, so an upgrade that changes them is noticed) are the oracle.
 */
class HeaderCharactersTests {

    @SuppressWarnings("unchecked")
    private final Predicate<String> springNames = (Predicate<String>) ReflectionTestUtils.getField(
            new StrictHttpFirewall(), "allowedHeaderNames");
    @SuppressWarnings("unchecked")
    private final Predicate<String> springValues = (Predicate<String>) ReflectionTestUtils.getField(
            new StrictHttpFirewall(), "allowedHeaderValues");

    @Test
    void everyCodePointIsJudgedAsTheFirewallsDefaultsJudgeIt() {
        int refused = 0;
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String text = "a" + Character.toString(codePoint) + "b";
            assertThat(HeaderCharacters.allowedName(text)).as("name with U+%04X", codePoint)
                    .isEqualTo(springNames.test(text));
            assertThat(HeaderCharacters.allowedValue(text)).as("value with U+%04X", codePoint)
                    .isEqualTo(springValues.test(text));
            refused += HeaderCharacters.allowedValue(text) ? 0 : 1;
        }
        // Controls and unassigned code points exist in every Unicode version: the loop saw both kinds of answer.
        assertThat(refused).isGreaterThan(60);
    }

    @Test
    void mixedTextTabsAndBrokenSurrogatesToo() {
        List<String> samples = List.of("", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "a\tb", "\t", "a\u007fb",
                "a\u0000", "\u0085", "line\u2028separator", "caf\u00e9", "\ud83d\ude00", "x\ud800", "\udc00y",
                "\ud800\ud800", "a\u0378b", "tab\tand\u0001control");
        for (String text : samples) {
            assertThat(HeaderCharacters.allowedName(text)).as("name %s", text.codePoints().boxed().toList())
                    .isEqualTo(springNames.test(text));
            assertThat(HeaderCharacters.allowedValue(text)).as("value %s", text.codePoints().boxed().toList())
                    .isEqualTo(springValues.test(text));
        }
        assertThat(HeaderCharacters.allowedValue("a\tb")).isTrue();
        assertThat(HeaderCharacters.allowedName("a\tb")).isFalse();
        assertThat(HeaderCharacters.allowedValue("a\u007fb")).isFalse();
    }
}
