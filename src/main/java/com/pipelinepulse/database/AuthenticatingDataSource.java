package com.pipelinepulse.database;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Opens the physical connections behind the pool. The credential is looked up for each connection, so a
 * rotated password or a new IAM token is used without a restart: with IAM enabled, an RDS IAM token first
 * and, when PostgreSQL rejects it (SQLSTATE class 28) or no token can be made, the password from the
 * secrets module; otherwise the password. Flyway's connections as the owner role (when a migration user is set)
 * come from one of these too, with the migration password and no IAM.
 */
final class AuthenticatingDataSource extends AbstractDataSource {

    private final String url;
    private final String user;
    private final SecretName passwordSecret;
    private final Supplier<String> connectionDetailsPassword;
    private final Properties driverProperties;
    private final Duration connectTimeout;
    private final Secrets secrets;
    private final RdsIamTokens iamTokens;
    private final DatabaseAuthentication authentication;
    private volatile int loginTimeoutSeconds;

    /**
     * @param passwordSecret            where the password lives in the secrets module
     * @param connectionDetailsPassword the password when the secrets module has none
     * @param iamTokens                 null when IAM authentication is off
     * @param authentication            what to tell how a connection authenticated; null for none
     */
    AuthenticatingDataSource(String url, String user, SecretName passwordSecret,
            Supplier<String> connectionDetailsPassword, Properties driverProperties, Duration connectTimeout,
            Secrets secrets, RdsIamTokens iamTokens, DatabaseAuthentication authentication) {
        this.url = url;
        this.user = user;
        this.passwordSecret = passwordSecret;
        this.connectionDetailsPassword = connectionDetailsPassword;
        this.driverProperties = driverProperties;
        this.connectTimeout = connectTimeout;
        this.secrets = secrets;
        this.iamTokens = iamTokens;
        this.authentication = authentication;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (iamTokens == null) {
            Connection connection = open(password());
            if (authentication != null) {
                authentication.usedPassword();
            }
            return connection;
        }
        String token;
        try {
            token = iamTokens.token();
        } catch (RuntimeException e) {
            return fallback(e.getClass().getSimpleName());
        }
        try {
            Connection connection = open(token);
            authentication.usedIam();
            return connection;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
                return fallback("SQLSTATE " + e.getSQLState());
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("credentials come from configuration and the secrets module");
    }

    /** Hikari passes its connection timeout here; it bounds the whole login of one connection. */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    private Connection fallback(String reason) throws SQLException {
        Connection connection = open(password());
        authentication.fellBackToPassword(user, reason);
        return connection;
    }

    private Connection open(String password) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(driverProperties);
        properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        if (loginTimeoutSeconds > 0) {
            properties.setProperty("loginTimeout", Integer.toString(loginTimeoutSeconds));
        }
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(url, properties);
    }

    private String password() {
        return secrets.find(passwordSecret).orElseGet(connectionDetailsPassword);
    }
}
