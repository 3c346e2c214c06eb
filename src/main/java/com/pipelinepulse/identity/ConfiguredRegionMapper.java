package com.pipelinepulse.identity;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** {@link RegionMapper} on the configured region mapping and the {@code app_user} table. */
@Service
class ConfiguredRegionMapper implements RegionMapper {

    private final IdentityProperties.Regions regions;
    private final JdbcClient jdbc;

    ConfiguredRegionMapper(IdentityProperties properties, JdbcClient jdbc) {
        this.regions = properties.regions();
        this.jdbc = jdbc;
    }

    @Override
    public Optional<String> regionOf(String value) {
        return regions.regionNamed(value);
    }

    @Override
    public OwnerRegions ownerRegions() {
        Map<String, String> byId = new HashMap<>();
        Map<String, String> byEmail = new HashMap<>();
        jdbc.sql("select zoho_user_id, lower(email) as email, region from app_user order by created_at, id")
                .query(rs -> {
                    byId.putIfAbsent(rs.getString("zoho_user_id"), rs.getString("region"));
                    byEmail.putIfAbsent(rs.getString("email").toLowerCase(Locale.ROOT), rs.getString("region"));
                });
        return new OwnerRegions(byId, byEmail);
    }
}
