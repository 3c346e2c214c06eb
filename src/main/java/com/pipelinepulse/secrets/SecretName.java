package com.pipelinepulse.secrets;

/**
 * Every secret the service uses, with where it lives: the AWS Secrets Manager secret
 * ({@code pipeline-pulse/{environment}/{group}}, a JSON object) and its field, and the environment
 * variable that is the fallback source.
 */
public enum SecretName {
    JWT_KEYS("jwt", "keys", "PP_JWT_KEYS"),
    ENCRYPTION_KEYS("encryption", "keys", "PP_ENCRYPTION_KEYS"),
    ZOHO_CLIENT_ID("zoho", "client_id", "PP_ZOHO_CLIENT_ID"),
    ZOHO_CLIENT_SECRET("zoho", "client_secret", "PP_ZOHO_CLIENT_SECRET"),
    DATABASE_PASSWORD("database", "password", "PP_DATABASE_PASSWORD"),
    /** The owner role's password, used only by Flyway when a migration user is set (docs/deployment.md). */
    DATABASE_MIGRATION_PASSWORD("database", "migration_password", "PP_DATABASE_MIGRATION_PASSWORD");

    private final String group;
    private final String field;
    private final String environmentVariable;

    SecretName(String group, String field, String environmentVariable) {
        this.group = group;
        this.field = field;
        this.environmentVariable = environmentVariable;
    }

    /** The last segment of the AWS secret name: {@code jwt}, {@code zoho}, {@code database} or {@code encryption}. */
    public String group() {
        return group;
    }

    /** The field inside that secret's JSON object. */
    public String field() {
        return field;
    }

    public String environmentVariable() {
        return environmentVariable;
    }
}
