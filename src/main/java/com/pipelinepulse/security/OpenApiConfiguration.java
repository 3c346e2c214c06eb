package com.pipelinepulse.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description at {@code /v3/api-docs}. Served only when {@code pipelinepulse.openapi.enabled}
 * is true (on in the {@code local} and {@code test} profiles, off in production by default).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI pipelinePulseOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Pipeline Pulse API").version("1")
                        .description("Errors are application/problem+json (RFC 9457). Access tokens are JWTs from "
                                + "POST /api/auth/refresh; see docs/authentication.md and docs/jwt.md."))
                .components(new Components().addSecuritySchemes("bearer", new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")));
    }
}
