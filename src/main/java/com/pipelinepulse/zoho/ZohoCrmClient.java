package com.pipelinepulse.zoho;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoHttp;
import com.pipelinepulse.zoho.accounts.ZohoHttp.Answer;
import com.pipelinepulse.zoho.accounts.ZohoHttp.HeadedAnswer;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient.CrmCurrentUser;
import com.pipelinepulse.zoho.tokens.ZohoProblems;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager.AccessToken;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
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
    /** A page of 200 records with every requested field fits many times over. */
    static final int LONG_READ_MAX_BODY_BYTES = 8 * 1024 * 1024;

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
        return call(connection, crmUri(path, query), http, "CRM " + path).body();
    }

    /** {@code {api_domain}{path}?{query}}, the query values encoded, for the API domain given. */
    private static UnaryOperator<URI> crmUri(String path, Map<String, String> query) {
        return apiDomain -> {
            UriComponentsBuilder uri = UriComponentsBuilder.fromUri(apiDomain).path(path);
            query.forEach((name, value) -> uri.queryParam(name, "{" + name + "}"));
            return uri.encode().buildAndExpand(query).toUri();
        };
    }

    /**
     * What one CRM {@code GET} answered, whatever the status: 200 with a body, 204 (no records), 304 (nothing
     * modified since {@code If-Modified-Since}), 4xx with Zoho's error body. {@code body} is null when there was
     * none or it was not JSON; numbers with a fraction in it are exact ({@link java.math.BigDecimal}).
     */
    public record CrmResponse(int status, HttpHeaders headers, JsonNode body) {

        /** Zoho's 429, its {@code TOO_MANY_REQUESTS} code or its {@code Access Denied} throttle body. */
        public boolean throttled() {
            return status == 429 || "TOO_MANY_REQUESTS".equalsIgnoreCase(text("code"))
                    || ZohoHttp.isThrottle(text("error"), text("error_description"));
        }

        /** The {@code Retry-After} header as a duration (seconds or an HTTP date), when there is a usable one. */
        public Optional<Duration> retryAfter() {
            String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration wait = Duration.between(java.time.Instant.now(), at.toInstant());
                    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
                } catch (DateTimeParseException notADate) {
                    return Optional.empty();
                }
            }
        }

        /** Zoho's error {@code code} (CRM) or {@code error} (throttle body), fit for logs; null when none. */
        public String zohoError() {
            String code = text("code");
            return ZohoHttp.safe(code != null ? code : text("error"));
        }

        private String text(String field) {
            JsonNode node = body == null || !body.isObject() ? null : body.get(field);
            return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
        }
    }

    /**
     * {@code GET {api_domain}{path}?{query}} for the user with extra request headers (for example
     * {@code If-Modified-Since}), for long reads such as the pipeline sync: the answer comes back whatever its
     * status (see {@link CrmResponse}), with its headers and a body of up to {@value #LONG_READ_MAX_BODY_BYTES}
     * bytes. As for {@link #get}: the token manager's cached token, and on 401 {@code INVALID_TOKEN} one refresh
     * and one repeat. Each call to this method is one CRM request (two after such a refresh).
     *
     * @throws ZohoAccountsException of kind {@code UNAVAILABLE} (retryable, see
     *         {@link com.pipelinepulse.zoho.internal.RetryableZohoFailure}) when Zoho does not answer in time or
     *         answers 5xx
     * @throws com.pipelinepulse.web.ApiProblemException {@code zoho-not-connected}, {@code zoho-reauth-required}
     *         and the token manager's other problems, as on the class
     */
    public CrmResponse fetch(UUID userId, String path, Map<String, String> query, Map<String, String> headers) {
        if (path == null || !PATH.matcher(path).matches() || path.contains("..")) {
            throw new IllegalArgumentException("not a CRM path: " + path);
        }
        ZohoConnection connection = connection(userId);
        UnaryOperator<URI> target = crmUri(path, query);
        HttpHeaders extra = new HttpHeaders();
        headers.forEach(extra::set);
        String operation = "CRM " + path;
        // As in call(): the URL is made from the API domain the token was stored for (checked against the
        // data-centre table when it was read), never from a value read separately.
        AccessToken token = tokens.accessToken(connection.id());
        HeadedAnswer answer = http.getWithHeaders(target.apply(token.apiDomain()), token.value(), extra,
                LONG_READ_MAX_BODY_BYTES, operation);
        if (answer.status() == 401 && invalidToken(new Answer(401, answer.body()))) {
            log.info("Zoho CRM refused the access token of connection {}: refreshing once", connection.id());
            token = tokens.refreshAfterRejection(connection.id(), token.value());
            answer = http.getWithHeaders(target.apply(token.apiDomain()), token.value(), extra,
                    LONG_READ_MAX_BODY_BYTES, operation);
        }
        if (answer.status() >= 500) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, ZohoHttp.safe(new Answer(answer.status(),
                    answer.body()).text("code")), operation + ": Zoho answered HTTP " + answer.status());
        }
        return new CrmResponse(answer.status(), answer.headers(), answer.body());
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
