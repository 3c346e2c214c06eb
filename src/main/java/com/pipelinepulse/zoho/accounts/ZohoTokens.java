package com.pipelinepulse.zoho.accounts;

import java.net.URI;
import java.time.Duration;

/**
 * A successful answer of Zoho's token endpoint. {@code refreshToken} is null on refresh grants and on a
 * code grant that did not include offline access; {@code scope} is null when Zoho did not say.
 * {@link #toString()} never shows a token.
 */
public record ZohoTokens(String accessToken, String refreshToken, URI apiDomain, Duration expiresIn, String scope) {

    public boolean hasRefreshToken() {
        return refreshToken != null && !refreshToken.isBlank();
    }

    @Override
    public String toString() {
        return "ZohoTokens[apiDomain=" + apiDomain + ", expiresIn=" + expiresIn + ", scope=" + scope
                + ", refreshToken=" + (hasRefreshToken() ? "present" : "absent") + "]";
    }
}
