package com.pipelinepulse.identity;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps what other modules know about a place or a person to one of our sales regions, the same way user regions
 * are mapped at sign-in (pipelinepulse.identity.regions). Used by the pipeline to give each deal a region.
 */
public interface RegionMapper {

    /**
     * The region a free-text value names: a region itself ({@code AMER}, {@code EMEA}, {@code APAC}, any region the
     * mapping knows, case-insensitive) or a country name or ISO code of the mapping. Empty for a blank value and
     * for a value the mapping does not name: the default region of people never applies here.
     */
    Optional<String> regionOf(String value);

    /** Our users' regions as they are now, by Zoho user id and by email, for matching many records at once. */
    OwnerRegions ownerRegions();

    /** A snapshot of users' regions; emails are compared case-insensitively. */
    record OwnerRegions(Map<String, String> byZohoUserId, Map<String, String> byEmail) {

        public OwnerRegions {
            byZohoUserId = Map.copyOf(byZohoUserId);
            byEmail = Map.copyOf(byEmail);
        }

        /** The region of the user with this Zoho user id, else of the user with this email. */
        public Optional<String> regionOf(String zohoUserId, String email) {
            String byId = zohoUserId == null ? null : byZohoUserId.get(zohoUserId.trim());
            if (byId != null) {
                return Optional.of(byId);
            }
            return email == null ? Optional.empty()
                    : Optional.ofNullable(byEmail.get(email.trim().toLowerCase(Locale.ROOT)));
        }
    }
}
