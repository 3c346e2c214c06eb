package com.pipelinepulse.session;

/**
 * Verifies the API's own access tokens: signature with a known {@code kid} from the current JWT key ring,
 * algorithm HS256 only, {@code typ at+jwt}, issuer, audience, expiry and not-before with a small skew, and
 * that the session ({@code sid}) has not been revoked.
 */
public interface AccessTokenVerifier {

    /** @throws InvalidAccessTokenException with a stable reason code when the token is not acceptable */
    AccessTokenClaims verify(String compactToken);

    /** Why an access token was refused. {@link #reason()} is a stable, low-cardinality code for metrics. */
    final class InvalidAccessTokenException extends RuntimeException {

        private final String reason;

        public InvalidAccessTokenException(String reason) {
            super("access token refused: " + reason, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
