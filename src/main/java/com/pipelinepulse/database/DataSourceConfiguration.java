package com.pipelinepulse.database;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.jdbc.support.JdbcTransactionManager;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * The HikariCP pool. Where to connect comes from Boot's {@link JdbcConnectionDetails} when a bean supplies
 * them (tests, service connections), else from {@code spring.datasource.url/username}; how to authenticate
 * from {@link AuthenticatingDataSource}. Pool settings under {@code spring.datasource.hikari.*} still apply.
 *
 * <p>Flyway connects as the owner role when {@code PP_DATABASE_MIGRATION_USERNAME} is set (its password from the
 * secrets module), else as the service's user; after each run {@link ServiceRoleGrants} grants the service role
 * what it needs (docs/deployment.md, "Database roles").
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DatabaseProperties.class, DataSourceProperties.class})
class DataSourceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DataSourceConfiguration.class);

    @Bean
    DatabaseAuthentication databaseAuthentication(DatabaseProperties properties,
            ObjectProvider<MeterRegistry> meters) {
        return new DatabaseAuthentication(meters.getIfAvailable(SimpleMeterRegistry::new), properties.iamAuth());
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(ObjectProvider<JdbcConnectionDetails> connectionDetails,
            DataSourceProperties dataSourceProperties, DatabaseProperties properties, Secrets secrets,
            DatabaseAuthentication authentication) {
        JdbcConnectionDetails details = details(connectionDetails, dataSourceProperties);
        String url = url(details);
        RdsIamTokens iamTokens = properties.iamAuth() ? iamTokens(url, details.getUsername(), properties) : null;
        HikariDataSource pool = new HikariDataSource();
        pool.setMaximumPoolSize(properties.poolSize());
        pool.setDataSource(new AuthenticatingDataSource(url, details.getUsername(), SecretName.DATABASE_PASSWORD,
                details::getPassword, pool.getDataSourceProperties(), properties.connectTimeout(), secrets, iamTokens,
                authentication));
        return pool;
    }

    /**
     * Flyway's connections: as the owner role when a migration user is set (password only, no IAM: the owner role
     * is used by migrations alone), with the pool's driver properties (TLS settings included) but no socket timeout
     * (a migration may build an index for minutes). Otherwise Boot's choice stands: the service's pool, one role for
     * both (local development).
     */
    @Bean
    FlywayConfigurationCustomizer migrationRole(ObjectProvider<JdbcConnectionDetails> connectionDetails,
            DataSourceProperties dataSourceProperties, DatabaseProperties properties, Secrets secrets,
            Environment environment, ObjectProvider<HikariDataSource> pool) {
        return configuration -> {
            JdbcConnectionDetails details = details(connectionDetails, dataSourceProperties);
            if (!properties.hasMigrationUser() || properties.migrationUsername().equals(details.getUsername())) {
                if (!environment.acceptsProfiles(Profiles.of("local", "test"))) {
                    log.warn("Flyway runs as the service's database user {}: that user owns the tables and could "
                            + "switch off the audit trail's append-only rule. Set PP_DATABASE_MIGRATION_USERNAME to "
                            + "an owner role (docs/deployment.md, \"Database roles\")", details.getUsername());
                }
                return;
            }
            Properties driverProperties = new Properties();
            pool.ifAvailable(p -> driverProperties.putAll(p.getDataSourceProperties()));
            driverProperties.remove("socketTimeout");
            driverProperties.setProperty("ApplicationName", "pipeline-pulse-migration");
            configuration.dataSource(new AuthenticatingDataSource(url(details), properties.migrationUsername(),
                    SecretName.DATABASE_MIGRATION_PASSWORD, () -> null, driverProperties, properties.connectTimeout(),
                    secrets, null, null));
        };
    }

    @Bean
    ServiceRoleGrants serviceRoleGrants(ObjectProvider<JdbcConnectionDetails> connectionDetails,
            DataSourceProperties dataSourceProperties) {
        return new ServiceRoleGrants(details(connectionDetails, dataSourceProperties).getUsername());
    }

    /**
     * Every data access here goes through JDBC (JdbcClient); there is no ORM on the classpath (Hibernate was
     * bootstrapped at every start for no entity). A JDBC transaction manager gives real savepoints, which the audit
     * trail and failure throttling use to write inside a request's transaction without a second pooled connection.
     */
    @Bean
    JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    /** Named so that it replaces Boot's {@code db} indicator (readiness group). */
    @Bean
    BoundedDatabaseHealthIndicator dbHealthIndicator(DataSource dataSource) {
        return new BoundedDatabaseHealthIndicator(dataSource);
    }

    @Bean
    DatabaseAuthHealthIndicator databaseAuthHealthIndicator(DatabaseAuthentication authentication) {
        return new DatabaseAuthHealthIndicator(authentication);
    }

    static RdsIamTokens iamTokens(String jdbcUrl, String user, DatabaseProperties properties) {
        if (properties.region() == null || properties.region().isBlank()) {
            throw new IllegalStateException(
                    "pipelinepulse.database.region (PP_AWS_REGION) must be set when RDS IAM authentication is on");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalStateException(
                    "the database user (PP_DATABASE_USERNAME) must be set when RDS IAM authentication is on");
        }
        URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
        if (target.getHost() == null) {
            throw new IllegalStateException("RDS IAM authentication needs a single-host database URL");
        }
        int port = target.getPort() > 0 ? target.getPort() : 5432;
        Region region = Region.of(properties.region());
        RdsUtilities rds = RdsUtilities.builder().region(region)
                .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
        return new RdsIamTokens(rds, target.getHost(), port, user, region, Clock.systemUTC());
    }

    private static JdbcConnectionDetails details(ObjectProvider<JdbcConnectionDetails> connectionDetails,
            DataSourceProperties dataSourceProperties) {
        return connectionDetails.getIfAvailable(() -> fromProperties(dataSourceProperties));
    }

    private static String url(JdbcConnectionDetails details) {
        String url = details.getJdbcUrl();
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("the database URL is not set (PP_DATABASE_URL / spring.datasource.url)");
        }
        return url;
    }

    private static JdbcConnectionDetails fromProperties(DataSourceProperties properties) {
        return new JdbcConnectionDetails() {
            @Override
            public String getJdbcUrl() {
                return properties.getUrl();
            }

            @Override
            public String getUsername() {
                return properties.getUsername();
            }

            @Override
            public String getPassword() {
                return properties.getPassword();
            }
        };
    }
}
