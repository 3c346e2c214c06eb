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

    // scheme://host[:port], nothing else: a wildcard with credentials would hand every site the user's session.
    private static final java.util.regex.Pattern ORIGIN = java.util.regex.Pattern.compile(
            "https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    CorsProperties {
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s).toList();
        for (String origin : allowedOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException("pipelinepulse.cors.allowed-origins: '" + origin
                        + "' is not an exact origin of the form https://host[:port] (wildcards are not allowed)");
            }
        }
    }

    boolean allows(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }
}
