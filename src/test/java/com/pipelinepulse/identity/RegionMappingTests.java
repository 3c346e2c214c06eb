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

    @Test
    void aValueNamesARegionOrAMappedCountryAndNothingElse() {
        assertThat(regions.regionNamed("emea")).contains("EMEA");
        assertThat(regions.regionNamed(" APAC ")).contains("APAC");
        assertThat(regions.regionNamed("Germany")).contains("EMEA");
        assertThat(regions.regionNamed("in")).contains("APAC");
        // Unmapped or empty values name no region: the default region of people does not apply.
        assertThat(regions.regionNamed("USA")).isEmpty();
        assertThat(regions.regionNamed("")).isEmpty();
        assertThat(regions.regionNamed(null)).isEmpty();
    }

    @Test
    void ownersMatchByZohoUserIdThenByEmail() {
        RegionMapper.OwnerRegions owners = new RegionMapper.OwnerRegions(Map.of("900", "EMEA"),
                Map.of("ann@example.com", "APAC"));
        assertThat(owners.regionOf("900", "ann@example.com")).contains("EMEA");
        assertThat(owners.regionOf("700", " Ann@Example.com")).contains("APAC");
        assertThat(owners.regionOf("700", "bob@example.com")).isEmpty();
        assertThat(owners.regionOf(null, null)).isEmpty();
    }
}
