package com.pipelinepulse.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A WireMock server speaking the AWS Secrets Manager JSON 1.1 protocol ({@code X-Amz-Target:
 * secretsmanager.GetSecretValue}), for the real SDK client pointed at it with an endpoint override.
 * Also sets static AWS credentials, generated at run time, as the SDK's system properties.
 */
public final class AwsSecretsManagerStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    public AwsSecretsManagerStandIn() {
        useGeneratedCredentials();
        server.start();
    }

    /** Random static credentials for the SDK's default chain (system properties come first in it). */
    public static void useGeneratedCredentials() {
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[10];
        byte[] key = new byte[20];
        random.nextBytes(id);
        random.nextBytes(key);
        System.setProperty("aws.accessKeyId", "TEST" + HexFormat.of().withUpperCase().formatHex(id));
        System.setProperty("aws.secretAccessKey", HexFormat.of().formatHex(key));
    }

    public String endpoint() {
        return server.baseUrl();
    }

    public WireMockServer server() {
        return server;
    }

    /** Serves {@code secretId} as a JSON object of the given fields. */
    public void secret(String secretId, Map<String, String> fields) {
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ARN", "arn:aws:secretsmanager:eu-west-1:000000000000:secret:" + secretId + "-AbCdEf");
            body.put("Name", secretId);
            body.put("VersionId", UUID.randomUUID().toString());
            body.put("SecretString", JSON.writeValueAsString(fields));
            body.put("VersionStages", new String[] {"AWSCURRENT"});
            body.put("CreatedDate", 1.7e9);
            server.stubFor(request(secretId).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(JSON.writeValueAsString(body))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers {@code secretId} like Secrets Manager does for an unknown secret. */
    public void missing(String secretId) {
        server.stubFor(request(secretId).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}")));
    }

    /** Every request fails with a 500 InternalServiceError. */
    public void failEverything() {
        server.resetAll();
        server.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"InternalServiceError\",\"message\":\"internal error\"}")));
    }

    /** Every request answers only after {@code millis}. */
    public void delayEverything(int millis) {
        server.resetAll();
        server.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500).withFixedDelay(millis)));
    }

    private static MappingBuilder request(String secretId) {
        return post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(secretId)));
    }

    @Override
    public void close() {
        server.stop();
    }
}
