package com.pipelinepulse.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdFilterTests {

    @Test
    void keepsAWellFormedId() {
        assertThat(RequestIdFilter.acceptOrCreate("3f0c2a9e-1b7d-4c55-9a21-0c1f7e3b9d42"))
                .isEqualTo("3f0c2a9e-1b7d-4c55-9a21-0c1f7e3b9d42");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"short", "has space in it", "line\nbreak-forged", "<script>alert(1)</script>",
            "0123456789012345678901234567890123456789012345678901234567890123456789"})
    void replacesAMissingOrMalformedId(String incoming) {
        String id = RequestIdFilter.acceptOrCreate(incoming);
        assertThat(id).isNotEqualTo(incoming).matches("[0-9a-f-]{36}");
    }
}
