package com.pipelinepulse.zoho;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoHttp;
import com.pipelinepulse.zoho.accounts.ZohoHttp.Answer;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient.CrmCurrentUser;
import com.pipelinepulse.zoho.tokens.ZohoProblems;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager.AccessToken;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The one client for Zoho CRM calls on behalf of a signed-in user. Every call goes to the {@code api_domain} stored
 * with the user's connection (one of the data-centre table's, and bound into the stored tokens' encryption), with {@code Authorization: Zoho-oauthtoken <access token>} from the token manager
 * (cached, refreshed ahead of expiry). When the CRM answers 401 {@code INVALID_TOKEN} the token is refreshed once
 * and the call repeated once.
 *
 * <p>Failures are problems: 404 {@code zoho-not-connected}, 409 {@code zoho-reauth-required} (send the person
 * through sign-in again), 429 {@code zoho-refresh-limited}, 503 {@code zoho-unavailable} with {@code Retry-After}
 * (also for the CRM's own 429 {@code TOO_MANY_REQUESTS}), 502 {@code zoho-refused} for other refusals.
 */
public final class ZohoCrmClient {

    private static final Logger log = LoggerFactory.getLogger(ZohoCrmClient.class);

    private static final Pattern PATH = Pattern.compile("/crm/[A-Za-z0-9_/.-]{1,200}");
    /** The CRM says how long only in its documentation (credits per 24 h): ask the SPA to wait a minute. */
    static final Duration CRM_THROTTLE_RETRY_AFTER = Duration.ofSeconds(60);

    private final ZohoConnections connections;
    private final ZohoTokenManager tokens;
    private final ZohoHttp http;
    private final ZohoHttp connectionTestHttp;

    ZohoCrmClient(ZohoConnections connections, ZohoTokenManager tokens, ZohoHttp http, ZohoHttp connectionTestHttp) {
        this.connections = connections;
        this.tokens = tokens;
        this.http = http;
        this.connectionTestHttp = connectionTestHttp;
    }

    /**
     * {@code GET {api_domain}{path}?{query}} for the user, for example {@code get(user, "/crm/v8/Deals",
     * Map.of("fields", "Deal_Name,Stage", "per_page", "200"))}; returns the JSON body of a successful answer
     * (null when the CRM answered 204 without a body).
     *
     * @throws com.pipelinepulse.web.ApiProblemException as listed on the class
     */
    public JsonNode get(UUID userId, String path, Map<String, String> query) {
        if (path == null || !PATH.matcher(path).matches() || path.contains("..")) {
            throw new IllegalArgumentException("not a CRM path: " + path);
        }
        ZohoConnection connection = connection(userId);
        return call(connection, apiDomain -> {
            UriComponentsBuilder uri = UriComponentsBuilder.fromUri(apiDomain).path(path);
            query.forEach((name, value) -> uri.queryParam(name, "{" + name + "}"));
            return uri.encode().buildAndExpand(query).toUri();
        }, http, "CRM " + path).body();
    }

    /** The CRM's current user, within the connection-test budget (10 s by default). */
    CrmCurrentUser currentUser(UUID userId) {
        ZohoConnection connection = connection(userId);
        Answer answer = call(connection, apiDomain -> URI.create(apiDomain + "/crm/v8/users?type=CurrentUser"),
                connectionTestHttp, "CRM current user");
        try {
            return CrmCurrentUserClient.parse(answer);
        } catch (ZohoAccountsException e) {
            throw ZohoProblems.unavailable("Zoho CRM gave an unexpected answer.", CRM_THROTTLE_RETRY_AFTER);
        }
    }

    private ZohoConnection connection(UUID userId) {
        ZohoConnection connection = connections.findByUser(userId).orElseThrow(ZohoProblems::notConnected);
        return switch (connection.status()) {
            case CONNECTED -> connection;
            case REAUTH_REQUIRED -> throw ZohoProblems.reauthRequired();
            case REVOKED -> throw ZohoProblems.revoked();
        };
    }

    /**
     * {@code target} makes the URL from the API domain the token was stored for (checked against the data-centre
     * table when it was read), never from a value read separately.
     */
    private Answer call(ZohoConnection connection, UnaryOperator<URI> target, ZohoHttp transport, String operation) {
        AccessToken token = tokens.accessToken(connection.id());
        Answer answer = send(transport, target.apply(token.apiDomain()), token, operation);
        if (invalidToken(answer)) {
            log.info("Zoho CRM refused the access token of connection {}: refreshing once", connection.id());
            token = tokens.refreshAfterRejection(connection.id(), token.value());
            answer = send(transport, target.apply(token.apiDomain()), token, operation);
        }
        try {
            ZohoHttp.throwIfError(answer, operation);
        } catch (ZohoAccountsException e) {
            if (e.kind() == Kind.THROTTLED) {
                log.warn("Zoho CRM throttled connection {} ({})", connection.id(), e.zohoError());
                throw ZohoProblems.unavailable("Zoho CRM is limiting requests for this organisation. Try again "
                        + "later.", CRM_THROTTLE_RETRY_AFTER);
            }
            if (e.kind() == Kind.UNAVAILABLE) {
                throw ZohoProblems.unavailable("Zoho CRM did not answer usefully. Try again shortly.",
                        CRM_THROTTLE_RETRY_AFTER);
            }
            log.warn("Zoho CRM refused a call for connection {} ({})", connection.id(), e.zohoError());
            throw ZohoProblems.refused();
        }
        return answer;
    }

    private static Answer send(ZohoHttp transport, URI uri, AccessToken token, String operation) {
        try {
            return transport.get(uri, token.value(), operation);
        } catch (ZohoAccountsException e) {
            throw ZohoProblems.unavailable("Zoho CRM did not answer in time. Try again shortly.",
                    CRM_THROTTLE_RETRY_AFTER);
        }
    }

    private static boolean invalidToken(Answer answer) {
        String code = answer.text("code");
        return answer.status() == 401 && ("INVALID_TOKEN".equals(code) || "INVALID_OAUTHTOKEN".equals(code));
    }
}
