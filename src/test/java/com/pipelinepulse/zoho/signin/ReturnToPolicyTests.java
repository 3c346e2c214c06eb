package com.pipelinepulse.zoho.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Values as the controller receives them, i.e. after the servlet container decoded the query string once. */
class ReturnToPolicyTests {

    private static final URI SPA = URI.create("https://app.example.com");

    @Test
    void absentMeansTheSpaHome() {
        assertThat(ReturnToPolicy.accept(null, SPA)).contains("/");
        assertThat(ReturnToPolicy.accept("", SPA)).contains("/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/pipeline", "/pipeline/deals?stage=won&owner=me", "/reports#q3",
            "/deals/%E2%82%AC-large", "/a/b;c=d", "/search?q=a%20b"})
    void pathsInsideTheSpaAreKept(String returnTo) {
        assertThat(ReturnToPolicy.accept(returnTo, SPA)).contains(returnTo);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "//evil.example", "//evil.example/path", "https://evil.example", "http://evil.example",
            "/\\evil.example", "\\\\evil.example", "evil.example", "javascript:alert(1)",
            // percent-encoded forms that a second decoding (browser, router) would turn into the above
            "%2F%2Fevil.example", "/%2Fevil.example", "/%2F%2Fevil.example", "%2f%2fevil.example",
            "/%5Cevil.example", "/%5cevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example",
            "/%252F%252Fevil.example", "/%25252F%25252Fevil.example", "/%255Cevil.example",
            // control characters and whitespace, raw or encoded (browsers strip tab and newline)
            "/\t/evil.example", "/\n/evil.example", "/%09/evil.example", "/%0D%0ALocation:%20x", "/ x",
            "/%00", "/%E2%80%AEx",
            // malformed escapes
            "/%zz", "/%"})
    void anythingThatCouldLeaveTheSpaIsRefused(String returnTo) {
        assertThat(ReturnToPolicy.accept(returnTo, SPA)).isEmpty();
    }

    @Test
    void overlongValuesAreRefused() {
        assertThat(ReturnToPolicy.accept("/" + "a".repeat(ReturnToPolicy.MAX_LENGTH), SPA)).isEmpty();
    }
}
