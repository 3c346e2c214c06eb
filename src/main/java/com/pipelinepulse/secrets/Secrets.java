package com.pipelinepulse.secrets;

import java.util.Optional;

/**
 * Reads secret values. Every module reads its secrets here, at the moment it needs them (not once at
 * start-up), so that a rotated value is picked up without a restart. Implementations cache; callers
 * must not keep values longer than one operation and must never log them.
 */
public interface Secrets {

    /** The current value, or empty when no source has it. */
    Optional<String> find(SecretName name);

    /** The current value. @throws MissingSecretException naming the secret (never a value) when absent */
    default String require(SecretName name) {
        return find(name).orElseThrow(() -> new MissingSecretException(name));
    }

    /** The current value parsed as a {@link KeyRing}. */
    default KeyRing keyRing(SecretName name) {
        return KeyRing.parse(require(name));
    }

    /** Thrown when a secret that an operation needs is configured nowhere. */
    final class MissingSecretException extends IllegalStateException {
        public MissingSecretException(SecretName name) {
            super("secret " + name + " is not configured (AWS secret field '" + name.group() + "." + name.field()
                    + "' or environment variable " + name.environmentVariable() + ")");
        }
    }
}
