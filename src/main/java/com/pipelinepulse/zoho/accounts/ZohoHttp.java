package com.pipelinepulse.zoho.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * The wire to Zoho for the calls that are not OAuth grants (revoke, user info, CRM reads): JDK HttpClient over
 * HTTP/1.1 with a connect timeout and a total per-call budget (settings), no redirects followed (an accounts server
 * that redirects is not one we trust), bodies read as JSON whatever the status, because Zoho reports many errors
 * with HTTP 200. {@link #throwIfError} is also how the token endpoint's answers are classified
 * ({@link ZohoTokenResponses}).
 */
public final class ZohoHttp {

    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Pattern SAFE_ERROR_CODE = Pattern.compile("[A-Za-z0-9_. -]{1,64}");
    private static final String THROTTLE_DESCRIPTION = "too many requests";

    /** What came back: the status and the body parsed as JSON (null when it was not JSON). */
    public record Answer(int status, JsonNode body) {

        public String text(String field) {
            JsonNode node = body == null ? null : body.get(field);
            return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
        }

        /** The member names only: a token response's body holds the tokens. */
        @Override
        public String toString() {
            java.util.List<String> names = new java.util.ArrayList<>();
            if (body != null) {
                body.fieldNames().forEachRemaining(names::add);
            }
            return "Answer[status=" + status + ", members=" + names + "]";
        }
    }

    private final ClientHttpRequestFactory requestFactory;
    private final RestClient client;
    private final ObjectMapper json;

    public ZohoHttp(ObjectMapper json, Duration connectTimeout, Duration callTimeout) {
        // Deliberately not the observed builder: the revoke call carries the token in its query string, which
        // must never reach a trace or a metric tag.
        this.requestFactory = requestFactory(connectTimeout, callTimeout);
        this.client = RestClient.builder().requestFactory(requestFactory).build();
        this.json = json;
    }

    /** The HTTP client and timeouts of this transport, for the library's token response clients. */
    ClientHttpRequestFactory requestFactory() {
        return requestFactory;
    }

    /**
     * The JDK HttpClient under every Zoho call (also under the library's token response clients): HTTP/1.1,
     * redirects not followed, {@code connectTimeout} to connect and {@code callTimeout} for the whole exchange.
     */
    static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration callTimeout) {
        HttpClient httpClient = HttpClient.newBuilder()
                // HTTP/1.1: JDK 17's HTTP/2 client fails exchanges in flight when a server rotates connections with
                // GOAWAY (docs/benchmarks.md, finding 2); token calls are few and gain nothing from multiplexing.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        // Blocking sends on the caller's thread, the whole exchange (body included) within callTimeout.
        return new BlockingHttpRequestFactory(httpClient, callTimeout);
    }

    Answer post(URI uri, String operation) {
        return exchange(operation, () -> client.post().uri(uri).accept(MediaType.APPLICATION_JSON));
    }

    public Answer get(URI uri, String accessToken, String operation) {
        return exchange(operation, () -> client.get().uri(uri)
                .accept(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Zoho-oauthtoken " + accessToken));
    }

    private Answer exchange(String operation, java.util.function.Supplier<RestClient.RequestHeadersSpec<?>> request) {
        try {
            return request.get().exchange((req, res) -> {
                byte[] bytes;
                try (InputStream body = res.getBody()) {
                    bytes = body.readNBytes(MAX_BODY_BYTES);
                }
                return new Answer(res.getStatusCode().value(), parse(json, bytes));
            });
        } catch (RestClientException e) {
            // Connection refused, DNS, TLS, timeouts (HttpTimeoutException) all land here. The message names
            // the operation only: the URI may carry a token (revoke).
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": no answer from Zoho ("
                    + rootCauseType(e) + ")", e);
        }
    }

    /**
     * Turns an answer carrying an error into the matching exception: Zoho's {@code error} (token endpoint) or
     * {@code code} with {@code status: error} (CRM) fields, HTTP 429, 5xx, other 4xx. Returns normally when the
     * answer is a success as far as status and error fields go.
     */
    public static void throwIfError(Answer answer, String operation) {
        String error = answer.text("error");
        if (error == null && answer.status() >= 400) {
            error = answer.text("code");
        }
        if (error == null && "error".equalsIgnoreCase(answer.text("status"))) {
            error = answer.text("code");
        }
        String description = answer.text("error_description");
        if (answer.status() == 429 || isThrottle(error, description)
                || "TOO_MANY_REQUESTS".equalsIgnoreCase(String.valueOf(error))) {
            throw new ZohoAccountsException(Kind.THROTTLED, safe(error), operation + ": Zoho says too many requests");
        }
        if (answer.status() >= 500) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, safe(error),
                    operation + ": Zoho answered HTTP " + answer.status());
        }
        if (error != null) {
            throw new ZohoAccountsException(Kind.REJECTED, safe(error), operation + ": Zoho refused ("
                    + safe(error) + ")");
        }
        if (answer.status() >= 400) {
            throw new ZohoAccountsException(Kind.REJECTED, null,
                    operation + ": Zoho answered HTTP " + answer.status());
        }
    }

    /** What came back, with the response headers (Retry-After, paging of long reads). Body as for {@link Answer}. */
    public record HeadedAnswer(int status, HttpHeaders headers, JsonNode body) {
    }

    /**
     * {@code GET} with extra request headers (for example {@code If-Modified-Since}), reading up to
     * {@code maxBodyBytes} of body with numbers that have a fraction as {@link java.math.BigDecimal} (amounts and
     * exchange rates stay exact). A longer body is a failure ({@code UNAVAILABLE}), never a silently cut one.
     */
    public HeadedAnswer getWithHeaders(URI uri, String accessToken, HttpHeaders extraHeaders, int maxBodyBytes,
            String operation) {
        try {
            return client.get().uri(uri)
                    .accept(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.AUTHORIZATION, "Zoho-oauthtoken " + accessToken)
                    .headers(headers -> headers.addAll(extraHeaders))
                    .exchange((req, res) -> {
                        byte[] bytes;
                        try (InputStream body = res.getBody()) {
                            bytes = body.readNBytes(maxBodyBytes + 1);
                        }
                        if (bytes.length > maxBodyBytes) {
                            throw new ZohoAccountsException(Kind.UNAVAILABLE, null,
                                    operation + ": answer longer than " + maxBodyBytes + " bytes");
                        }
                        HttpHeaders headers = new HttpHeaders();
                        headers.putAll(res.getHeaders());
                        return new HeadedAnswer(res.getStatusCode().value(), HttpHeaders.readOnlyHttpHeaders(headers),
                                parseExact(bytes));
                    });
        } catch (RestClientException e) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": no answer from Zoho ("
                    + rootCauseType(e) + ")", e);
        }
    }

    private JsonNode parseExact(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(bytes);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    public static boolean isThrottle(String error, String description) {
        // Zoho's throttle answer: {"error":"Access Denied","error_description":"You have made too many requests
        // continuously...","status":"failure"}. Not to be confused with the user's access_denied.
        return error != null && error.equalsIgnoreCase("Access Denied") && description != null
                && description.toLowerCase(Locale.ROOT).contains(THROTTLE_DESCRIPTION);
    }

    /** Zoho's error code, fit for logs and the audit trail (bounded, no markup); null when unfit. */
    public static String safe(String zohoError) {
        if (zohoError == null) {
            return null;
        }
        return SAFE_ERROR_CODE.matcher(zohoError).matches() ? zohoError : "unrecognised";
    }

    /** A body as JSON, or null when it is empty or not JSON. */
    static JsonNode parse(ObjectMapper json, byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return json.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static String rootCauseType(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
