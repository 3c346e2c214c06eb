package com.pipelinepulse.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/** Reads JSON secrets from AWS Secrets Manager with the SDK's {@code GetSecretValue}. */
final class AwsSecretGroupReader implements SecretGroupReader {

    private final SecretsManagerClient client;
    private final SecretsProperties.Aws settings;
    private final ObjectMapper json;

    AwsSecretGroupReader(SecretsManagerClient client, SecretsProperties.Aws settings, ObjectMapper json) {
        this.client = client;
        this.settings = settings;
        this.json = json;
    }

    @Override
    public Map<String, String> read(String group) {
        GetSecretValueResponse response = client.getSecretValue(r -> r.secretId(settings.secretId(group)));
        String text = response.secretString();
        if (text == null) {
            throw new IllegalStateException("secret " + settings.secretId(group) + " has no string value");
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            // Never pass the parser's message on: it can quote the secret text.
            throw new IllegalStateException("secret " + settings.secretId(group) + " is not a JSON object");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalStateException("secret " + settings.secretId(group) + " is not a JSON object");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                fields.put(e.getKey(), e.getValue().asText());
            }
        });
        return fields;
    }
}
