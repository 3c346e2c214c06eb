package com.pipelinepulse.secrets;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where secrets come from (see docs/configuration.md and docs/secrets.md).
 *
 * @param aws the AWS Secrets Manager source
 */
@Validated
@ConfigurationProperties("pipelinepulse.secrets")
record SecretsProperties(@Valid @NotNull @DefaultValue Aws aws) {

    /**
     * @param enabled     read secrets from AWS Secrets Manager before the environment
     * @param region      AWS region of the secrets (required when enabled)
     * @param prefix      first segment of every secret name
     * @param environment middle segment of every secret name, e.g. {@code production} (required when enabled)
     * @param endpoint    endpoint override (VPC endpoints, tests); blank for the regional default
     * @param ttl         how long a fetched value is served before the background refresh fetches it again
     * @param timeout     budget of one Secrets Manager call, retries included, so an unreachable AWS cannot
     *                    hold start-up for long
     */
    record Aws(@DefaultValue("false") boolean enabled, String region, @DefaultValue("pipeline-pulse") String prefix,
            String environment, String endpoint, @DefaultValue("5m") Duration ttl,
            @DefaultValue("5s") Duration timeout) {

        String secretId(String group) {
            return prefix + "/" + environment + "/" + group;
        }

        boolean hasEndpoint() {
            return endpoint != null && !endpoint.isBlank();
        }
    }
}
