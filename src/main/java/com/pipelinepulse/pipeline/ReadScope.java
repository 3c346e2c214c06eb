package com.pipelinepulse.pipeline;

import com.pipelinepulse.session.AccessTokenClaims;
import com.pipelinepulse.web.ApiProblemException;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Which deals a caller may read (PIPELINE.md "Who sees what"): admins and managers every region, a viewer only
 * their own (the region of their access token). Applied in the SQL of every read, never after it.
 *
 * @param region the only region readable, or null for every region
 */
record ReadScope(String region) {

    static final ReadScope EVERY_REGION = new ReadScope(null);
    /** A region no deal has: a caller without a region sees nothing rather than everything. */
    private static final String NO_REGION = "";

    static ReadScope of(Authentication authentication) {
        if (authentication != null) {
            for (GrantedAuthority authority : authentication.getAuthorities()) {
                String role = authority.getAuthority();
                if ("ROLE_ADMIN".equals(role) || "ROLE_MANAGER".equals(role)) {
                    return EVERY_REGION;
                }
            }
            if (authentication.getPrincipal() instanceof AccessTokenClaims claims && claims.region() != null
                    && !claims.region().isBlank()) {
                return new ReadScope(claims.region().trim().toUpperCase(Locale.ROOT));
            }
        }
        return new ReadScope(NO_REGION);
    }

    /** A viewer naming another region in the {@code region} filter: 403 {@code region-forbidden}. */
    void check(DealFilters filters) {
        if (region != null && filters.region() != null && !region.equals(filters.region())) {
            throw new ApiProblemException("region-forbidden", "Region not allowed", 403,
                    "You may read the deals of your own region only.", Map.of(), new HttpHeaders());
        }
    }
}
