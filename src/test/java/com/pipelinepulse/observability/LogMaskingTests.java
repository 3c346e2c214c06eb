package com.pipelinepulse.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogMaskingTests {

    @ParameterizedTest
    @CsvSource({
            "alice@example.com, a***@example.com",
            "b@example.co.uk, b***@example.co.uk",
            "'Contact: first.last+tag@mail.example.org.', 'Contact: f***@mail.example.org.'",
            "'two a1@x.io and z9@y.io', 'two a***@x.io and z***@y.io'"})
    void emailsKeepTheirFirstCharacterAndDomain(String in, String expected) {
        assertThat(LogMasking.maskEmail(in)).isEqualTo(expected);
        assertThat(LogMasking.mask(in)).isEqualTo(expected);
    }

    @Test
    void textWithoutSecretsIsUnchanged() {
        String text = "Readiness state changed to ACCEPTING_TRAFFIC; grant_type=authorization_code, 12 sessions";
        assertThat(LogMasking.mask(text)).isSameAs(text);
        assertThat(LogMasking.mask(null)).isNull();
        assertThat(LogMasking.maskMessage("")).isEmpty();
    }

    @Test
    void parameterNamesAreMatchedWholeAndCaseInsensitively() {
        assertThat(LogMasking.mask("?Code=abc&STATE=def&readinessState=UP&access_token=x1&zoho_secret=y"))
                .isEqualTo("?Code=[masked]&STATE=[masked]&readinessState=UP&access_token=[masked]&zoho_secret=[masked]");
    }

    @Test
    void lineBreaksAreNeutralisedInMessagesOnly() {
        assertThat(LogMasking.maskMessage("a\r\nb\nc\rd\u2028e")).isEqualTo("a\\nb\\nc\\nd\\ne");
        assertThat(LogMasking.mask("a\nb")).isEqualTo("a\nb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "refresh_token", "Authorization", "Set-Cookie", "client_secret", "PASSWORD",
            "aws_credentials", "x-api-key"})
    void sensitiveFieldNames(String name) {
        assertThat(LogMasking.isSensitiveFieldName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"message", "user_id", "request_id", "type", "outcome", "reason"})
    void ordinaryFieldNames(String name) {
        assertThat(LogMasking.isSensitiveFieldName(name)).isFalse();
    }
}
