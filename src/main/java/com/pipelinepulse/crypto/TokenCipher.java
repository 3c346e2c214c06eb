package com.pipelinepulse.crypto;

/**
 * Encrypts third-party tokens for storage. The ciphertext names the key version that made it, so values
 * written before a key rotation still decrypt while the old key stays in the ring. {@code context} is bound
 * as associated data (for example the owning connection's id): a ciphertext moved to another row does not
 * decrypt.
 */
public interface TokenCipher {

    String encrypt(String plaintext, String context);

    /** @throws IllegalStateException when the value was tampered with, moved, or its key is gone */
    String decrypt(String ciphertext, String context);
}
