package com.pipelinepulse.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of text, for values we keep or compare only as digests (refresh tokens, sign-in state, rate-limit keys,
 * the refused sample keys). Every Java platform ships SHA-256, so its absence is an error, not a case to handle.
 */
public final class Sha256 {

    private Sha256() {
    }

    /** The digest of the UTF-8 bytes of {@code value}. */
    public static byte[] of(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
