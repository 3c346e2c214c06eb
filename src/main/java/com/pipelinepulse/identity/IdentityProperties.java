package com.pipelinepulse.identity;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Who may sign in, who becomes admin on first sign-in, and how a Zoho country or locale maps to a sales region.
 *
 * @param adminEmails         emails (case-insensitive) whose first Zoho user gets role {@code admin}
 *                            ({@code PP_ADMIN_EMAILS}); each email is granted admin this way once only
 * @param allowedZohoOrgs     Zoho CRM organisation ids whose members may sign in ({@code PP_ZOHO_ALLOWED_ORGS});
 *                            empty: any organisation
 * @param allowedEmailDomains email domains (case-insensitive, exact) that may sign in
 *                            ({@code PP_ALLOWED_EMAIL_DOMAINS}); empty: any domain
 * @param regions             the region mapping
 */
@Validated
@ConfigurationProperties("pipelinepulse.identity")
record IdentityProperties(List<String> adminEmails, List<String> allowedZohoOrgs, List<String> allowedEmailDomains,
        @Valid @NotNull Regions regions) {

    IdentityProperties {
        adminEmails = lowerCaseEntries(adminEmails);
        allowedZohoOrgs = lowerCaseEntries(allowedZohoOrgs);
        allowedEmailDomains = lowerCaseEntries(allowedEmailDomains).stream()
                .map(d -> d.startsWith("@") ? d.substring(1) : d).toList();
    }

    private static List<String> lowerCaseEntries(List<String> entries) {
        return entries == null ? List.of()
                : entries.stream().map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    boolean isAdminEmail(String email) {
        return email != null && adminEmails.contains(email.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * @param defaultRegion the region when nothing matches
     * @param byCountry     Zoho country name or ISO 3166 alpha-2 code (case-insensitive) to region
     * @param byLocale      Zoho locale such as {@code de_DE} (case-insensitive, {@code -} or {@code _}) to region
     */
    record Regions(@NotBlank String defaultRegion, Map<String, String> byCountry, Map<String, String> byLocale) {

        Regions {
            byCountry = normalised(byCountry);
            byLocale = normalised(byLocale);
            defaultRegion = defaultRegion == null ? null : defaultRegion.trim().toUpperCase(Locale.ROOT);
        }

        /** Country first, then the full locale, then the locale's country part, then the default. */
        String regionFor(String country, String locale) {
            String byName = country == null ? null : byCountry.get(key(country));
            if (byName != null) {
                return byName;
            }
            if (locale != null) {
                String normalisedLocale = key(locale).replace('-', '_');
                String byFullLocale = byLocale.get(normalisedLocale);
                if (byFullLocale != null) {
                    return byFullLocale;
                }
                int underscore = normalisedLocale.lastIndexOf('_');
                if (underscore >= 0) {
                    String byCode = byCountry.get(normalisedLocale.substring(underscore + 1));
                    if (byCode != null) {
                        return byCode;
                    }
                }
            }
            return defaultRegion;
        }

        /**
         * The region a value names without falling back: a known region (case-insensitive) or a mapped country
         * name or ISO code; empty for blank or unknown values.
         */
        java.util.Optional<String> regionNamed(String value) {
            if (value == null || value.isBlank()) {
                return java.util.Optional.empty();
            }
            String upper = value.trim().toUpperCase(Locale.ROOT);
            if (knownRegions().contains(upper)) {
                return java.util.Optional.of(upper);
            }
            return java.util.Optional.ofNullable(byCountry.get(key(value)));
        }

        /** Every region an admin may assign: the default and every mapped value. */
        Set<String> knownRegions() {
            Set<String> known = new LinkedHashSet<>();
            known.add(defaultRegion);
            known.addAll(byCountry.values());
            known.addAll(byLocale.values());
            return known;
        }

        private static Map<String, String> normalised(Map<String, String> map) {
            Map<String, String> out = new LinkedHashMap<>();
            if (map != null) {
                map.forEach((k, v) -> out.put(key(k), v.trim().toUpperCase(Locale.ROOT)));
            }
            return Map.copyOf(out);
        }

        private static String key(String raw) {
            return raw.trim().toLowerCase(Locale.ROOT);
        }
    }
}
