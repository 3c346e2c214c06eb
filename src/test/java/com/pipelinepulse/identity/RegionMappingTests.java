package com.pipelinepulse.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegionMappingTests {

    private final IdentityProperties.Regions regions = new IdentityProperties.Regions("amer",
            Map.of("United States", "AMER", "germany", "emea", "IN", "APAC", "Japan", "APAC"),
            Map.of("en_AU", "APAC"));

    @Test
    void countryNamesMatchCaseInsensitively() {
        assertThat(regions.regionFor("Germany", null)).isEqualTo("EMEA");
        assertThat(regions.regionFor(" united states ", "de_DE")).isEqualTo("AMER");
        assertThat(regions.regionFor("JAPAN", null)).isEqualTo("APAC");
    }

    @Test
    void localeIsUsedWhenTheCountryIsMissingOrUnknown() {
        assertThat(regions.regionFor(null, "en_AU")).isEqualTo("APAC");
        assertThat(regions.regionFor("Atlantis", "en-au")).isEqualTo("APAC");
        // No locale entry: the locale's country code is looked up among the countries.
        assertThat(regions.regionFor(null, "en_IN")).isEqualTo("APAC");
    }

    @Test
    void anythingElseGetsTheDefault() {
        assertThat(regions.regionFor(null, null)).isEqualTo("AMER");
        assertThat(regions.regionFor("Atlantis", "xx_YY")).isEqualTo("AMER");
        assertThat(regions.regionFor("", "")).isEqualTo("AMER");
    }

    @Test
    void knownRegionsAreTheDefaultAndEveryMappedValue() {
        assertThat(regions.knownRegions()).containsExactlyInAnyOrder("AMER", "EMEA", "APAC");
    }

    @Test
    void adminEmailsAreTrimmedAndCaseInsensitive() {
        IdentityProperties properties = new IdentityProperties(List.of(" Boss@Example.com ", ""), List.of(), List.of(),
                regions);
        assertThat(properties.isAdminEmail("boss@example.COM")).isTrue();
        assertThat(properties.isAdminEmail("other@example.com")).isFalse();
        assertThat(properties.isAdminEmail(null)).isFalse();
    }
}
