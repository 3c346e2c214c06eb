package com.pipelinepulse.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Request limits enforced by the service itself (the header limit is Tomcat's
 * {@code server.max-http-request-header-size}).
 *
 * @param maxBodySize     the largest request body accepted on the API port, whether announced by
 *                        {@code Content-Length} or streamed in chunks ({@code pipelinepulse.http.max-body-size})
 * @param bodyReadTimeout the longest a client may take to deliver a whole body
 *                        ({@code pipelinepulse.http.body-read-timeout}); Tomcat's connection timeout only bounds
 *                        the gap between two packets, so without this a client trickling a byte every few seconds
 *                        could hold a request thread for days
 */
@Validated
@ConfigurationProperties("pipelinepulse.http")
record RequestLimitProperties(@DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("10s") Duration bodyReadTimeout) {
}
