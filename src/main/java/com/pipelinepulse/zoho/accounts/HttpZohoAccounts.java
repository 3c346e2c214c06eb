package com.pipelinepulse.zoho.accounts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoHttp.Answer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@link ZohoAccounts} on Spring Security's OAuth 2.0 client: the code and refresh grants are the library's
 * {@link RestClientAuthorizationCodeTokenResponseClient} and {@link RestClientRefreshTokenTokenResponseClient} with
 * our {@link ZohoClientRegistrations} and Zoho's answer format ({@link ZohoTokenResponses}); revoke and user info,
 * which the library does not cover in Zoho's form, go through {@link ZohoHttp}.
 */
public final class HttpZohoAccounts implements ZohoAccounts {

    private static final Logger log = LoggerFactory.getLogger(HttpZohoAccounts.class);

    /** The library's refresh grant carries the client's current access token; Zoho's never sends it. */
    private static final OAuth2AccessToken NOT_SENT = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
            "not-sent", Instant.EPOCH, Instant.EPOCH.plusSeconds(1));

    private final ZohoHttp http;
    private final ZohoClientRegistrations registrations;
    private final ZohoDataCenters dataCenters;
    private final RestClientAuthorizationCodeTokenResponseClient codeGrant =
            new RestClientAuthorizationCodeTokenResponseClient();
    private final RestClientRefreshTokenTokenResponseClient refreshGrant = new RestClientRefreshTokenTokenResponseClient();

    /**
     * @param http        the transport of every call here (the token grants use its HTTP client and timeouts)
     * @param dataCenters the table whose API domains a token response may name
     */
    public HttpZohoAccounts(ZohoHttp http, ObjectMapper json, ZohoClientRegistrations registrations,
            ZohoDataCenters dataCenters) {
        this.http = http;
        this.registrations = registrations;
        this.dataCenters = dataCenters;
        codeGrant.setRestClient(ZohoTokenResponses.restClient(http.requestFactory(), json, "code exchange"));
        refreshGrant.setRestClient(ZohoTokenResponses.restClient(http.requestFactory(), json, "token refresh"));
    }

    @Override
    public ZohoTokens exchangeCode(ZohoDataCenter dataCenter, String code, String codeVerifier) {
        ClientRegistration registration = registrations.forDataCenter(dataCenter);
        // The request as it was sent (its verifier is the one stored with the sign-in state) and Zoho's answer.
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                .clientId(registration.getClientId())
                .redirectUri(registration.getRedirectUri())
                .scopes(registration.getScopes())
                .attributes(attributes -> {
                    if (codeVerifier != null) {
                        attributes.put(PkceParameterNames.CODE_VERIFIER, codeVerifier);
                    }
                })
                .build();
        OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code)
                .redirectUri(registration.getRedirectUri()).build();
        OAuth2AccessTokenResponse answer = ZohoTokenResponses.call("code exchange", () -> codeGrant.getTokenResponse(
                new OAuth2AuthorizationCodeGrantRequest(registration, new OAuth2AuthorizationExchange(request,
                        response))));
        try {
            return tokens(answer, true, "code exchange");
        } catch (ZohoAccountsException refused) {
            // Zoho did issue a grant: do not leave a live refresh token behind (20 per user and client).
            if (answer.getRefreshToken() != null) {
                revokeQuietly(dataCenter, answer.getRefreshToken().getTokenValue());
            }
            throw refused;
        }
    }

    private void revokeQuietly(ZohoDataCenter dataCenter, String refreshToken) {
        try {
            revoke(dataCenter, refreshToken);
        } catch (RuntimeException e) {
            log.warn("Could not revoke a refused grant's refresh token at data centre {}: {}", dataCenter.location(),
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public ZohoTokens refresh(ZohoDataCenter dataCenter, String refreshToken) {
        ClientRegistration registration = registrations.forDataCenter(dataCenter);
        OAuth2AccessTokenResponse answer = ZohoTokenResponses.call("token refresh", () -> refreshGrant.getTokenResponse(
                new OAuth2RefreshTokenGrantRequest(registration, NOT_SENT, new OAuth2RefreshToken(refreshToken,
                        null))));
        // The library copies the refresh token it was given into the answer; Zoho's refresh answers have none.
        return tokens(answer, false, "token refresh");
    }

    @Override
    public void revoke(ZohoDataCenter dataCenter, String refreshToken) {
        URI uri = UriComponentsBuilder.fromUri(dataCenter.accountsUrl("/oauth/v2/token/revoke"))
                .queryParam("token", "{token}").encode().buildAndExpand(refreshToken).toUri();
        Answer answer = http.post(uri, "token revoke");
        ZohoHttp.throwIfError(answer, "token revoke");
        if (!"success".equalsIgnoreCase(answer.text("status"))) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, "token revoke: Zoho did not confirm");
        }
    }

    @Override
    public ZohoUserInfo userInfo(ZohoDataCenter dataCenter, String accessToken) {
        Answer answer = http.get(dataCenter.accountsUrl("/oauth/user/info"), accessToken, "user info");
        ZohoHttp.throwIfError(answer, "user info");
        String zuid = answer.text("ZUID");
        String email = answer.text("Email");
        if (zuid == null || zuid.isBlank() || email == null || email.isBlank()) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, "user info: ZUID or Email missing");
        }
        return new ZohoUserInfo(zuid, email, answer.text("Display_Name"), answer.text("First_Name"),
                answer.text("Last_Name"));
    }

    private ZohoTokens tokens(OAuth2AccessTokenResponse answer, boolean codeGrant, String operation) {
        OAuth2AccessToken access = answer.getAccessToken();
        Object apiDomainText = answer.getAdditionalParameters().get("api_domain");
        URI apiDomain = null;
        if (apiDomainText != null) {
            // Every CRM call with this person's token goes there: only an API domain of the table will do.
            apiDomain = dataCenters.allowedApiDomain(apiDomainText.toString()).orElseThrow(() ->
                    new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": unacceptable api_domain"));
        } else if (codeGrant) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": no api_domain in the answer");
        }
        Duration expiresIn = Duration.between(access.getIssuedAt(), access.getExpiresAt());
        String scope = access.getScopes().isEmpty() ? null : String.join(",", access.getScopes());
        String refresh = codeGrant && answer.getRefreshToken() != null ? answer.getRefreshToken().getTokenValue() : null;
        return new ZohoTokens(access.getTokenValue(), refresh, apiDomain, expiresIn, scope);
    }
}
