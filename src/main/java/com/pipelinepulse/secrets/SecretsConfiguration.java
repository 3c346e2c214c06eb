package com.pipelinepulse.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecretsProperties.class)
class SecretsConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "pipelinepulse.secrets.aws.enabled", havingValue = "true")
    SecretsManagerClient secretsManagerClient(SecretsProperties properties) {
        SecretsProperties.Aws aws = properties.aws();
        require(aws.region(), "pipelinepulse.secrets.aws.region (PP_AWS_REGION)");
        require(aws.environment(), "pipelinepulse.secrets.aws.environment (PP_ENVIRONMENT)");
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .region(Region.of(aws.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                // Short budgets: an unreachable AWS must cost start-up seconds, not minutes.
                .overrideConfiguration(o -> o.apiCallTimeout(aws.timeout())
                        .apiCallAttemptTimeout(aws.timeout().dividedBy(2))
                        .retryStrategy(r -> r.maxAttempts(2)));
        if (aws.hasEndpoint()) {
            builder.endpointOverride(URI.create(aws.endpoint()));
        }
        return builder.build();
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    LayeredSecrets secrets(SecretsProperties properties, ObjectProvider<SecretsManagerClient> client,
            Environment environment, ObjectProvider<MeterRegistry> meters, ApplicationEventPublisher events,
            ObjectProvider<ObjectMapper> json) {
        SecretsManagerClient aws = client.getIfAvailable();
        SecretGroupReader reader = aws == null ? null
                : new AwsSecretGroupReader(aws, properties.aws(), json.getIfAvailable(ObjectMapper::new));
        return new LayeredSecrets(properties.aws(), reader, new EnvironmentSecrets(environment),
                meters.getIfAvailable(SimpleMeterRegistry::new), events, Clock.systemUTC());
    }

    @Bean
    ApplicationListener<ContextRefreshedEvent> secretsEventRelease(LayeredSecrets secrets) {
        return event -> secrets.eventsReady();
    }

    @Bean
    SecretsHealthIndicator secretsHealthIndicator(LayeredSecrets secrets) {
        return new SecretsHealthIndicator(secrets);
    }

    private static void require(String value, String setting) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(setting + " must be set when AWS secrets are enabled");
        }
    }
}
