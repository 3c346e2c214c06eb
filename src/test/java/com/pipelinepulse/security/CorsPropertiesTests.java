package com.pipelinepulse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPropertiesTests {

    @Test
    void exactOriginsAreAcceptedAndNormalised() {
        CorsProperties cors = new CorsProperties(List.of(" https://app.example.com/ ", "http://localhost:5173", ""));
        assertThat(cors.allowedOrigins()).containsExactly("https://app.example.com", "http://localhost:5173");
        assertThat(cors.allows("https://app.example.com")).isTrue();
        assertThat(cors.allows("https://app.example.com.evil.example")).isFalse();
        assertThat(cors.allows(null)).isFalse();
    }

    @Test
    void wildcardsAndPathsAreRefusedAtStartup() {
        for (String bad : new String[] {"*", "https://*.example.com", "https://app.example.com/path", "app.example.com",
                "null"}) {
            assertThatThrownBy(() -> new CorsProperties(List.of(bad))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowed-origins");
        }
    }
}
