package com.pipelinepulse.web;

import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * Thrown by any module to answer with a specific problem. The {@code detail} is shown to the caller, so
 * it must never contain a secret, a token or another person's data.
 */
public class ApiProblemException extends RuntimeException {

    private final transient ProblemType type;
    private final String slugOverride;
    private final int statusOverride;
    private final String titleOverride;
    private final transient Map<String, Object> properties;
    private final transient HttpHeaders headers;

    public ApiProblemException(ProblemType type, String detail) {
        this(type, detail, Map.of(), new HttpHeaders());
    }

    public ApiProblemException(ProblemType type, String detail, Map<String, Object> properties, HttpHeaders headers) {
        super(detail);
        this.type = type;
        this.slugOverride = null;
        this.statusOverride = type.status().value();
        this.titleOverride = type.title();
        this.properties = Map.copyOf(properties);
        this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    /**
     * A problem owned by another module, with its own stable slug (for example {@code zoho-reauth-required}).
     */
    public ApiProblemException(String slug, String title, int status, String detail, Map<String, Object> properties,
            HttpHeaders headers) {
        super(detail);
        this.type = null;
        this.slugOverride = slug;
        this.statusOverride = status;
        this.titleOverride = title;
        this.properties = Map.copyOf(properties);
        this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    public String slug() {
        return type != null ? type.slug() : slugOverride;
    }

    public String title() {
        return titleOverride;
    }

    public int status() {
        return statusOverride;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public HttpHeaders headers() {
        return headers;
    }
}
