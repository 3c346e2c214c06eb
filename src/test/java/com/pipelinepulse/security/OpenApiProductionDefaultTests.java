package com.pipelinepulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.DefaultConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/**
 * Without a profile (production) the OpenAPI description is off: {@code application.yml} resolves
 * {@code springdoc.api-docs.enabled} to false (and no Swagger UI is on the classpath at all). That the setting
 * false really serves no {@code /v3/api-docs} is {@code RevocationAcrossInstancesIntegrationTests.openApiIsOffUnlessEnabled}.
 */
class OpenApiProductionDefaultTests {

    @Test
    void theDefaultConfigurationServesNoApiDescription() {
        StandardEnvironment environment = DefaultConfiguration.environment();

        assertThat(environment.getProperty("pipelinepulse.openapi.enabled", Boolean.class)).isFalse();
        assertThat(environment.getProperty("springdoc.api-docs.enabled", Boolean.class)).isFalse();
        assertThat(environment.getProperty("springdoc.swagger-ui.enabled", Boolean.class, false)).isFalse();
    }
}
