package com.pipelinepulse.zoho.accounts;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Our one Zoho client, as Spring Security's {@link ClientRegistration}s: one per data centre of the table
 * (registration id = the location), with that data centre's authorization, token and user-info endpoints, the
 * configured redirect URI and scopes, and {@code client_secret_post} (Zoho wants client id and secret in the form).
 *
 * <p>Registrations are built on demand from the secrets module's current client id and secret, so a rotated
 * secret is used without a restart; they are kept while those two values stay the same.
 */
public final class ZohoClientRegistrations implements ClientRegistrationRepository {

    private final ZohoDataCenters dataCenters;
    private final Secrets secrets;
    private final URI redirectUri;
    private final List<String> scopes;
    private volatile Generation current = new Generation("", "");

    /** The registrations made with one client id and secret. */
    private record Generation(String clientId, String clientSecret, Map<ZohoDataCenter, ClientRegistration> built) {
        Generation(String clientId, String clientSecret) {
            this(clientId, clientSecret, new ConcurrentHashMap<>());
        }

        @Override
        public String toString() {
            return "Generation[" + built.keySet() + "]";
        }
    }

    public ZohoClientRegistrations(ZohoDataCenters dataCenters, Secrets secrets, URI redirectUri, List<String> scopes) {
        this.dataCenters = dataCenters;
        this.secrets = secrets;
        this.redirectUri = redirectUri;
        this.scopes = List.copyOf(scopes);
    }

    /** The registration of a data centre of the table by its location, or null (the repository's contract). */
    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        return dataCenters.byLocation(registrationId).map(this::forDataCenter).orElse(null);
    }

    /**
     * The registration for a data centre: its endpoints, today's client id and secret.
     *
     * @throws Secrets.MissingSecretException when the client id or secret is not configured
     */
    public ClientRegistration forDataCenter(ZohoDataCenter dataCenter) {
        String clientId = secrets.require(SecretName.ZOHO_CLIENT_ID);
        String clientSecret = secrets.require(SecretName.ZOHO_CLIENT_SECRET);
        Generation generation = current;
        if (!generation.clientId().equals(clientId) || !generation.clientSecret().equals(clientSecret)) {
            generation = new Generation(clientId, clientSecret);
            current = generation;
        }
        return generation.built().computeIfAbsent(dataCenter, dc -> build(dc, clientId, clientSecret));
    }

    /** The scopes asked for, in their configured order (Zoho's authorization request lists them comma-separated). */
    public List<String> scopes() {
        return scopes;
    }

    private ClientRegistration build(ZohoDataCenter dataCenter, String clientId, String clientSecret) {
        return ClientRegistration.withRegistrationId(dataCenter.location())
                .clientName("Zoho (" + dataCenter.location() + ")")
                .clientId(clientId)
                .clientSecret(clientSecret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(redirectUri.toString())
                .scope(scopes)
                .authorizationUri(dataCenter.accountsUrl("/oauth/v2/auth").toString())
                .tokenUri(dataCenter.accountsUrl("/oauth/v2/token").toString())
                .userInfoUri(dataCenter.accountsUrl("/oauth/user/info").toString())
                .userNameAttributeName("ZUID")
                .build();
    }
}
