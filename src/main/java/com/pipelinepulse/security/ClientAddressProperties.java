package com.pipelinepulse.security;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which forwarded headers to believe, and from whom.
 *
 * @param trustedProxies  CIDR ranges (IPv4 or IPv6, a bare address means a single host) of the proxies and load
 *                        balancers in front of the service ({@code PP_TRUSTED_PROXIES}); empty means the socket
 *                        peer is always the client
 * @param forwardedHeader the one header those proxies write: {@code x-forwarded-for} (AWS ALB, nginx) or
 *                        {@code forwarded} (RFC 7239); the other is ignored, so a client cannot smuggle a value
 *                        through a proxy that only appends to the first
 */
@Validated
@ConfigurationProperties("pipelinepulse.security")
record ClientAddressProperties(@DefaultValue List<String> trustedProxies,
        @NotNull @DefaultValue("x-forwarded-for") ForwardedHeader forwardedHeader) {

    enum ForwardedHeader {
        X_FORWARDED_FOR, FORWARDED
    }
}
