package com.pipelinepulse.zoho.accounts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoHttp.Answer;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * What Zoho's token endpoint needs beyond the library's defaults, for the {@code RestClient...TokenResponseClient}s:
 *
 * <ul>
 *   <li>errors in HTTP 200 bodies: an {@code error} field (or {@code status: error}) in any answer is a
 *   {@link ZohoAccountsException} of the same kinds as every other Zoho call ({@code REJECTED} with Zoho's code,
 *   {@code THROTTLED} for {@code "Access Denied" / too many requests}), classified by {@link ZohoHttp#throwIfError};</li>
 *   <li>4xx and 5xx answers classified the same way (the library's own handler would make them all one OAuth 2.0
 *   error);</li>
 *   <li>bodies read as JSON whatever their content type, {@code token_type} taken as {@code Bearer} and a
 *   missing or malformed {@code expires_in} as one hour; {@code api_domain} stays in the additional parameters;</li>
 *   <li>every other failure (no answer, timeout, a body that is not JSON) is {@code UNAVAILABLE}.</li>
 * </ul>
 * The transport is ours ({@link ZohoHttp#requestFactory}: HTTP/1.1, no redirects, the per-call timeout).
 */
final class ZohoTokenResponses {

    private static final String DEFAULT_EXPIRES_IN = "3600";

    private ZohoTokenResponses() {
    }

    /** The RestClient for one grant: form out, Zoho-aware JSON in. {@code operation} names it in messages. */
    static RestClient restClient(ClientHttpRequestFactory requestFactory, ObjectMapper json, String operation) {
        OAuth2AccessTokenResponseHttpMessageConverter tokenConverter = new OAuth2AccessTokenResponseHttpMessageConverter();
        tokenConverter.setAccessTokenResponseConverter(new ZohoAnswerConverter(json, operation));
        // Zoho's error bodies do not always say they are JSON: read every body.
        tokenConverter.setSupportedMediaTypes(List.of(MediaType.ALL));
        return RestClient.builder()
                .requestFactory(requestFactory)
                .messageConverters(converters -> {
                    converters.clear();
                    converters.add(new FormHttpMessageConverter());
                    converters.add(tokenConverter);
                })
                .defaultStatusHandler(status -> status.isError(), (request, response) -> {
                    byte[] bytes;
                    try (InputStream body = response.getBody()) {
                        bytes = body.readNBytes(ZohoHttp.MAX_BODY_BYTES);
                    }
                    ZohoHttp.throwIfError(new Answer(response.getStatusCode().value(), ZohoHttp.parse(json, bytes)),
                            operation);
                })
                .build();
    }

    /**
     * Runs one of the library's token requests and hands back Zoho's typed failure: the one our converter or status
     * handler raised (the library wraps it), else {@code UNAVAILABLE}. The message names the failure's type only:
     * the library's messages may quote a body.
     */
    static OAuth2AccessTokenResponse call(String operation, Supplier<OAuth2AccessTokenResponse> request) {
        try {
            return request.get();
        } catch (OAuth2AuthorizationException | RestClientException e) {
            Throwable cause = e;
            while (cause != null) {
                if (cause instanceof ZohoAccountsException zoho) {
                    throw zoho;
                }
                cause = cause.getCause() == cause ? null : cause.getCause();
            }
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": no usable answer from Zoho ("
                    + ZohoHttp.rootCauseType(e) + ")");
        }
    }

    /** The token endpoint's JSON, as a map, to the library's token response; see the class comment. */
    private record ZohoAnswerConverter(ObjectMapper json, String operation)
            implements Converter<Map<String, Object>, OAuth2AccessTokenResponse> {

        private static final DefaultMapOAuth2AccessTokenResponseConverter LIBRARY =
                new DefaultMapOAuth2AccessTokenResponseConverter();

        @Override
        public OAuth2AccessTokenResponse convert(Map<String, Object> answer) {
            ZohoHttp.throwIfError(new Answer(200, json.valueToTree(answer)), operation);
            Object accessToken = answer.get(OAuth2ParameterNames.ACCESS_TOKEN);
            if (!(accessToken instanceof String text) || text.isBlank()) {
                throw new ZohoAccountsException(Kind.UNAVAILABLE, null, operation + ": no access_token in the answer");
            }
            Map<String, Object> parameters = new HashMap<>(answer);
            // Zoho says Bearer (and wants "Zoho-oauthtoken" in the header anyway): the type decides nothing here.
            parameters.put(OAuth2ParameterNames.TOKEN_TYPE, "Bearer");
            if (!positiveSeconds(parameters.get(OAuth2ParameterNames.EXPIRES_IN))) {
                parameters.put(OAuth2ParameterNames.EXPIRES_IN, DEFAULT_EXPIRES_IN);
            }
            return LIBRARY.convert(parameters);
        }

        private static boolean positiveSeconds(Object value) {
            try {
                return value != null && Long.parseLong(value.toString().trim()) > 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }
}
