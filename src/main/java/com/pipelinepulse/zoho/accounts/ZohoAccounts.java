package com.pipelinepulse.zoho.accounts;

import com.pipelinepulse.zoho.ZohoDataCenter;

/**
 * Zoho Accounts, spoken the way Zoho really speaks it (ZOHO.md): every call goes to the accounts server of
 * the given data centre, errors that arrive with HTTP 200 are errors, a connect timeout and a per-call timeout
 * ({@code pipelinepulse.zoho.tokens.connect-timeout}, {@code http-timeout}). The client id and secret come from the
 * secrets module's current values ({@link ZohoClientRegistrations}).
 *
 * <p>Every method throws {@link ZohoAccountsException} on failure, never with a token in its message.
 */
public interface ZohoAccounts {

    /** Exchanges an authorization code (grant {@code authorization_code}), with the PKCE verifier when given. */
    ZohoTokens exchangeCode(ZohoDataCenter dataCenter, String code, String codeVerifier);

    /** Mints a new access token from a refresh token (grant {@code refresh_token}); the result has no refresh token. */
    ZohoTokens refresh(ZohoDataCenter dataCenter, String refreshToken);

    /** Revokes a refresh token (and with it its access tokens). */
    void revoke(ZohoDataCenter dataCenter, String refreshToken);

    /** Who owns the access token. */
    ZohoUserInfo userInfo(ZohoDataCenter dataCenter, String accessToken);
}
