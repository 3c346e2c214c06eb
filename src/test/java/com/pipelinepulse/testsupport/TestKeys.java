package com.pipelinepulse.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Key rings and passwords generated at run time: no key material is ever committed. */
public final class TestKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {
    }

    /** A ring {@code kid:base64url} with one random key of {@code bits}. */
    public static String keyRing(String kid, int bits) {
        return kid + ":" + randomBase64Url(bits / 8);
    }

    public static String randomBase64Url(int bytes) {
        byte[] key = new byte[bytes];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    public static String password() {
        return "pw-" + randomBase64Url(18);
    }

    /**
     * Text shaped like a signed JWT (header {@code {"alg":"HS256"}}, a random subject, a signature starting with
     * {@code signaturePrefix} and random after it): for masking and redaction tests, made here so that nothing
     * token-shaped is committed.
     */
    public static String jwtShaped(String signaturePrefix) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"sub\":\"" + randomBase64Url(6) + "\"}").getBytes(StandardCharsets.UTF_8))
                + "." + signaturePrefix + randomBase64Url(16);
    }

    /**
     * Text shaped like an AWS key id: {@code prefix} ({@code AKIA} for a long-term access key, {@code ASIA} for a
     * session's) and 16 random capitals and digits, made at run time.
     */
    public static String awsKeyIdShaped(String prefix) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 16; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
