package com.pipelinepulse.testsupport;

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
}
