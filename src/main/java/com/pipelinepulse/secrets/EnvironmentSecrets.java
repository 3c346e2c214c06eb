package com.pipelinepulse.secrets;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * The second and third sources of {@link LayeredSecrets}: the environment (environment variables, or the
 * same names as Spring properties), and in the {@code local} and {@code test} profiles a random ephemeral
 * JWT or encryption key ring when none is configured, with a warning that tokens will not survive a restart.
 */
final class EnvironmentSecrets {

    private static final Logger log = LoggerFactory.getLogger(EnvironmentSecrets.class);

    private final Environment environment;
    private final boolean generateMissingKeys;
    private final Map<SecretName, String> generated = new EnumMap<>(SecretName.class);

    EnvironmentSecrets(Environment environment) {
        this.environment = environment;
        this.generateMissingKeys = environment.acceptsProfiles(Profiles.of("local", "test"));
    }

    Optional<String> fromEnvironment(SecretName name) {
        String value = environment.getProperty(name.environmentVariable());
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    Optional<String> generatedIfAllowed(SecretName name) {
        if (generateMissingKeys && (name == SecretName.JWT_KEYS || name == SecretName.ENCRYPTION_KEYS)) {
            return Optional.of(generated(name));
        }
        return Optional.empty();
    }

    private synchronized String generated(SecretName name) {
        return generated.computeIfAbsent(name, n -> {
            log.warn("{} is not set: using an ephemeral random key ring; tokens and encrypted values will not "
                    + "survive a restart", n.environmentVariable());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return "ephemeral:" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        });
    }
}
