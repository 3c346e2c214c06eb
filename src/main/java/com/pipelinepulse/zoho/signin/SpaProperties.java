package com.pipelinepulse.zoho.signin;

import com.pipelinepulse.zoho.ZohoProperties;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the single-page app lives ({@code pipelinepulse.spa.base-url}, {@code PP_SPA_BASE_URL}): the sign-in
 * callback redirects there. Other modules may bind the same prefix for their own needs.
 */
@Validated
@ConfigurationProperties("pipelinepulse.spa")
public record SpaProperties(@NotNull URI baseUrl) {

    public SpaProperties {
        baseUrl = ZohoProperties.httpUrlOrNull(baseUrl, "pipelinepulse.spa.base-url (PP_SPA_BASE_URL)");
        if (baseUrl != null) {
            if (baseUrl.getRawQuery() != null) {
                throw new IllegalArgumentException("pipelinepulse.spa.base-url (PP_SPA_BASE_URL) must not have a query");
            }
            String text = baseUrl.toString();
            // return_to always starts with '/', so the base must not end with one.
            baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        }
    }
}
