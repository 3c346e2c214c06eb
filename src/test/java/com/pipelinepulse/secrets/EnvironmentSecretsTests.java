package com.pipelinepulse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class EnvironmentSecretsTests {

    /** Counts every property lookup, the walk through Spring's property sources a bearer request must not pay. */
    private static final class CountingEnvironment extends MockEnvironment {
        final List<String> lookups = new ArrayList<>();

        @Override
        public String getProperty(String key) {
            lookups.add(key);
            return super.getProperty(key);
        }
    }

    @Test
    void theEnvironmentIsReadOnceForEverySecretNotOnEveryUse() {
        CountingEnvironment environment = new CountingEnvironment();
        environment.setProperty("PP_JWT_KEYS", "k1:placeholder-key");
        EnvironmentSecrets secrets = new EnvironmentSecrets(environment);
        int afterStart = environment.lookups.size();

        for (int i = 0; i < 1_000; i++) {
            assertThat(secrets.fromEnvironment(SecretName.JWT_KEYS)).contains("k1:placeholder-key");
            assertThat(secrets.fromEnvironment(SecretName.ZOHO_CLIENT_SECRET)).isEmpty();
        }

        assertThat(environment.lookups).hasSize(afterStart)
                .containsOnlyOnce("PP_JWT_KEYS", "PP_ZOHO_CLIENT_SECRET");
    }

    @Test
    void aBlankValueIsNoValue() {
        MockEnvironment environment = new MockEnvironment();
        environment.setProperty("PP_DATABASE_PASSWORD", "  ");
        assertThat(new EnvironmentSecrets(environment).fromEnvironment(SecretName.DATABASE_PASSWORD)).isEmpty();
    }
}
