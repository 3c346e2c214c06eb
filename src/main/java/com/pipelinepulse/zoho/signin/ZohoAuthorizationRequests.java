package com.pipelinepulse.zoho.signin;

import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.ZohoProperties;
import com.pipelinepulse.zoho.accounts.ZohoClientRegistrations;
import java.util.Map;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.stereotype.Component;

/**
 * The authorization request of a sign-in, built by Spring Security's {@link OAuth2AuthorizationRequest} with PKCE
 * S256 from its {@link OAuth2AuthorizationRequestCustomizers#withPkce()} customizer, plus what Zoho needs:
 * {@code access_type=offline} and {@code prompt=consent} (a refresh token on every grant) and the scopes
 * comma-separated. It starts at the configured accounts server ({@code PP_ZOHO_ACCOUNTS_URL}); Zoho forwards people
 * of other data centres from there.
 */
@Component
class ZohoAuthorizationRequests {

    private final ZohoClientRegistrations registrations;
    private final ZohoDataCenter signInServer;

    ZohoAuthorizationRequests(ZohoClientRegistrations registrations, ZohoDataCenters dataCenters,
            ZohoProperties zoho) {
        this.registrations = registrations;
        // Normally the us entry of the table; a sign-in URL that is not a table entry still gets its own endpoints.
        this.signInServer = dataCenters.byAccountsServer(zoho.accountsUrl())
                .orElseGet(() -> new ZohoDataCenter("sign-in", zoho.accountsUrl()));
    }

    /** The request for {@code state}; its {@code code_verifier} attribute is to be kept with the state. */
    OAuth2AuthorizationRequest build(String state) {
        ClientRegistration registration = registrations.forDataCenter(signInServer);
        String scopes = String.join(",", registrations.scopes());
        OAuth2AuthorizationRequest.Builder request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                .clientId(registration.getClientId())
                .redirectUri(registration.getRedirectUri())
                .scopes(registration.getScopes())
                .state(state)
                .additionalParameters(Map.of("access_type", "offline", "prompt", "consent"))
                .attributes(attributes -> attributes.put(OAuth2ParameterNames.REGISTRATION_ID,
                        registration.getRegistrationId()))
                // The library joins scopes with spaces (RFC 6749); Zoho documents commas.
                .parameters(parameters -> parameters.put(OAuth2ParameterNames.SCOPE, scopes));
        OAuth2AuthorizationRequestCustomizers.withPkce().accept(request);
        return request.build();
    }
}
