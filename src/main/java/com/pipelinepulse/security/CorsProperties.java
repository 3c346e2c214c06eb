package com.pipelinepulse.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param allowedOrigins exact origins ({@code https://app.example.com}) that may call the API with credentials
 *                       ({@code PP_CORS_ALLOWED_ORIGINS}, comma-separated); empty allows no cross-origin caller
 */
@Validated
@ConfigurationProperties("pipelinepulse.cors")
record CorsProperties(List<String> allowedOrigins) {

    CorsProperties {
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s).toList();
    }

    boolean allows(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }
}
