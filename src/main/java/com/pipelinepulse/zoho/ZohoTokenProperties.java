package com.pipelinepulse.zoho;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Token manager settings ({@code pipelinepulse.zoho.tokens.*}, docs/configuration.md). Retry attempts, backoff,
 * the 30 s budget of a token operation and the circuit breakers are Resilience4j settings
 * ({@code resilience4j.*.instances.zoho-token} and {@code configs.zoho}).
 *
 * @param refreshSkew           an access token is refreshed this long before Zoho says it expires
 * @param connectTimeout        TCP/TLS connect timeout of every Zoho call
 * @param httpTimeout           the whole of one accounts call (token grants, revoke, user info), body included
 * @param connectionTestTimeout budget of {@code POST /api/zoho/connection/test} (the CRM current-user call)
 * @param crmCallTimeout        budget of one other CRM call
 * @param refreshLimit          at most this many access-token requests per connection ...
 * @param refreshLimitWindow    ... in this rolling window (Zoho: 10 in 10 minutes, then a block)
 * @param refreshThreads        token refreshes running at once on one instance; at most half the database pool
 *                              is used, whatever the setting (each refresh uses one pooled connection at a time)
 * @param refreshQueue          refreshes waiting for a thread; one more is refused at once (503)
 */
@Validated
@ConfigurationProperties("pipelinepulse.zoho.tokens")
public record ZohoTokenProperties(
        @NotNull @DefaultValue("5m") Duration refreshSkew,
        @NotNull @DefaultValue("10s") Duration connectTimeout,
        @NotNull @DefaultValue("30s") Duration httpTimeout,
        @NotNull @DefaultValue("10s") Duration connectionTestTimeout,
        @NotNull @DefaultValue("30s") Duration crmCallTimeout,
        @Min(1) @Max(10) @DefaultValue("10") int refreshLimit,
        @NotNull @DefaultValue("10m") Duration refreshLimitWindow,
        @Min(1) @DefaultValue("4") int refreshThreads,
        @Min(1) @DefaultValue("50") int refreshQueue) {
}
