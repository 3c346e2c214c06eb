package com.pipelinepulse.zoho.accounts;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoHttp.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

/** {@link ZohoAccounts} over HTTP. */
public final class HttpZohoAccounts implements ZohoAccounts {

    private static final Duration DEFAULT_EXPIRY = Duration.ofHours(1);

    private final ZohoHttp http;
    private final Secrets secrets;
    private final URI redirectUri;

    public HttpZohoAccounts(ZohoHttp http, Secrets secrets, URI redirectUri) {
        this.http = http;
        this.secrets = secrets;
        this.redirectUri = redirectUri;
    }

    @Override
    public ZohoTokens exchangeCode(ZohoDataCenter dataCenter, String code, String codeVerifier) {
        MultiValueMap<String, String> form = clientForm("authorization_code");
        form.add("redirect_uri", redirectUri.toString());
        form.add("code", code);
        if (codeVerifier != null) {
            form.add("code_verifier", codeVerifier);
        }
        Answer answer = http.postForm(dataCenter.accountsUrl("/oauth/v2/token"), form, "code exchange");
        ZohoHttp.throwIfError(answer, "code exchange");
        return tokens(answer, dataCenter, true, "code exchange");
    }

    @Override
    public ZohoTokens refresh(ZohoDataCenter dataCenter, String refreshToken) {
        MultiValueMap<String, String> form = clientForm("refresh_token");
        form.add("refresh_token", refreshToken);
        Answer answer = http.postForm(dataCenter.accountsUrl("/oauth/v2/token"), form, "token refresh");
        ZohoHttp.throwIfError(answer, "token refresh");
        return tokens(answer, dataCenter, false, "token refresh");
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

    private MultiValueMap<String, String> clientForm(String grantType) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("grant_type", grantType);
        form.add("client_id", secrets.require(SecretName.ZOHO_CLIENT_ID));
        form.add("client_secret", secrets.require(SecretName.ZOHO_CLIENT_SECRET));
        return form;
    }

    private static ZohoTokens tokens(Answer answer, ZohoDataCenter dataCenter, boolean apiDomainRequired,
            String operation) {
        String accessToken = answer.text("access_token");
        if (accessToken == null || accessToken.isBlank()) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": no access_token in the answer");
        }
        URI apiDomain = apiDomain(answer.text("api_domain"), dataCenter, operation);
        if (apiDomain == null && apiDomainRequired) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": no api_domain in the answer");
        }
        Duration expiresIn = DEFAULT_EXPIRY;
        String seconds = answer.text("expires_in");
        if (seconds != null) {
            try {
                expiresIn = Duration.ofSeconds(Long.parseLong(seconds.trim()));
            } catch (NumberFormatException e) {
                expiresIn = DEFAULT_EXPIRY;
            }
        }
        return new ZohoTokens(accessToken, answer.text("refresh_token"), apiDomain, expiresIn, answer.text("scope"));
    }

    /**
     * The CRM host for this user. It comes from Zoho's own answer over the connection we opened, but it is still
     * checked for shape: an absolute URL with the accounts server's scheme (https in production), no user info,
     * query or fragment, since every CRM call with the user's token goes there.
     */
    private static URI apiDomain(String text, ZohoDataCenter dataCenter, String operation) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals(dataCenter.accountsServer().getScheme()) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": unacceptable api_domain");
            }
            return ZohoDataCenters.normalize(uri);
        } catch (java.net.URISyntaxException e) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": malformed api_domain");
        }
    }
}
