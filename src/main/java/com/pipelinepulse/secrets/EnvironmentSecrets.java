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
import org.springframework.stereotype.Component;

/**
 * Secrets from the environment (environment variables, or the same names as Spring properties). In the
 * {@code local} and {@code test} profiles a missing JWT or encryption key ring is replaced by a random
 * ephemeral one, with a warning that tokens will not survive a restart.
 */
@Component
class EnvironmentSecrets implements Secrets {

    private static final Logger log = LoggerFactory.getLogger(EnvironmentSecrets.class);

    private final Environment environment;
    private final boolean generateMissingKeys;
    private final Map<SecretName, String> generated = new EnumMap<>(SecretName.class);

    EnvironmentSecrets(Environment environment) {
        this.environment = environment;
        this.generateMissingKeys = environment.acceptsProfiles(Profiles.of("local", "test"));
    }

    @Override
    public Optional<String> find(SecretName name) {
        String value = environment.getProperty(name.environmentVariable());
        if (value != null && !value.isBlank()) {
            return Optional.of(value);
        }
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
