package com.pipelinepulse.zoho;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Zoho sign-in settings ({@code pipelinepulse.zoho.*}, see docs/configuration.md). The client id and secret
 * are secrets and are read from the secrets module at each use, never from here.
 *
 * @param accountsUrl  where sign-in starts; Zoho forwards users of other data centres from there
 * @param redirectUri  the callback registered in the Zoho API console, byte for byte
 * @param dataCenters  optional override of the data-centre table, {@code us=https://...,eu=https://...}
 * @param scopes       OAuth scopes asked for
 */
@Validated
@ConfigurationProperties("pipelinepulse.zoho")
public record ZohoProperties(
        @NotNull @DefaultValue("https://accounts.zoho.com") URI accountsUrl,
        @NotNull URI redirectUri,
        String dataCenters,
        @NotEmpty @DefaultValue({"ZohoCRM.modules.ALL", "ZohoCRM.users.READ", "ZohoCRM.org.READ",
                "AaaServer.profile.READ"})
        List<String> scopes) {

    public ZohoProperties {
        accountsUrl = httpUrlOrNull(accountsUrl, "pipelinepulse.zoho.accounts-url (PP_ZOHO_ACCOUNTS_URL)");
        redirectUri = httpUrlOrNull(redirectUri, "pipelinepulse.zoho.redirect-uri (PP_ZOHO_REDIRECT_URI)");
        if (accountsUrl != null) {
            accountsUrl = ZohoDataCenters.normalize(accountsUrl);
        }
        scopes = scopes == null ? null : scopes.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** An empty setting counts as unset (so that {@code @NotNull} names it); anything else must be http(s). */
    public static URI httpUrlOrNull(URI uri, String setting) {
        if (uri == null || uri.toString().isBlank()) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(setting + " must be an absolute http(s) URL without user info or "
                    + "fragment");
        }
        return uri;
    }
}
