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
 *
 * <p>The environment is read once, when this is made: a running process's environment variables and Spring's
 * property sources do not change, and secrets are read on every use (every bearer request reads the JWT key ring),
 * where a lookup through Spring's property sources would be a walk over each of them per request. A new value in
 * the environment takes a restart, as it always did; rotation without one is what AWS Secrets Manager is for.
 */
final class EnvironmentSecrets {

    private static final Logger log = LoggerFactory.getLogger(EnvironmentSecrets.class);

    private final Map<SecretName, Optional<String>> configured = new EnumMap<>(SecretName.class);
    private final boolean generateMissingKeys;
    private final Map<SecretName, String> generated = new EnumMap<>(SecretName.class);

    EnvironmentSecrets(Environment environment) {
        for (SecretName name : SecretName.values()) {
            String value = environment.getProperty(name.environmentVariable());
            configured.put(name, value == null || value.isBlank() ? Optional.empty() : Optional.of(value));
        }
        this.generateMissingKeys = environment.acceptsProfiles(Profiles.of("local", "test"));
    }

    Optional<String> fromEnvironment(SecretName name) {
        return configured.get(name);
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
