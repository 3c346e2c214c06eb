package com.pipelinepulse.zoho.signin;

import java.util.Base64;

/** PKCE S256 (RFC 7636): the challenge is base64url(SHA-256(verifier)), no padding. */
final class Pkce {

    private Pkce() {
    }

    static String challenge(String verifier) {
        // The verifier is base64url, so its UTF-8 bytes are its ASCII bytes.
        byte[] digest = SignInStateStore.sha256(verifier);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }
}
