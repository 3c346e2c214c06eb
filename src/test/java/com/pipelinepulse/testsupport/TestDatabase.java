package com.pipelinepulse.testsupport;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one real PostgreSQL that every test of this JVM uses, with the two roles of a deployment
 * (docs/deployment.md, "Database roles"): the owner role runs Flyway and owns every table; the application's pool
 * connects as a service role of its own, made for this run (a non-superuser login role that owns nothing), so tests
 * see exactly the privileges production grants.
 *
 * <ol>
 *   <li>{@code PP_TEST_DATABASE_URL} (with {@code PP_TEST_DATABASE_USERNAME} and
 *   {@code PP_TEST_DATABASE_PASSWORD}, the owner: {@code postgres} in CI) when set: a fresh schema and a service role,
 *   both unique to this run, are created and dropped when the JVM ends, so reruns never see an earlier run's rows
 *   (roles are global to the PostgreSQL cluster, hence unique names).</li>
 *   <li>Otherwise a Testcontainers PostgreSQL when Docker is available (its superuser is the owner).</li>
 *   <li>Otherwise the run fails with a message naming what to set.</li>
 * </ol>
 *
 * <p>Tests that need more than the service may do (cleaning up rows, looking at the schema history) use
 * {@link #ownerJdbc()}, never wider grants to the service role.
 */
public final class TestDatabase {

    public static final String URL_VARIABLE = "PP_TEST_DATABASE_URL";

    /**
     * Where to connect: a JDBC URL (already pointing at this run's schema), the service role the application's pool
     * uses ({@code username}, {@code password}) and the owner role Flyway uses.
     */
    public record Coordinates(String url, String username, String password, String ownerUsername,
            String ownerPassword) {

        /** The settings that make a separately started application run Flyway as the owner role. */
        public List<String> migrationArguments() {
            return List.of("--PP_DATABASE_MIGRATION_USERNAME=" + ownerUsername,
                    "--PP_DATABASE_MIGRATION_PASSWORD=" + ownerPassword);
        }

        @Override
        public String toString() {
            return "Coordinates[url=" + url + ", username=" + username + ", ownerUsername=" + ownerUsername + "]";
        }
    }

    private static Coordinates coordinates;
    private static PostgreSQLContainer<?> container;
    private static JdbcClient ownerJdbc;

    private TestDatabase() {
    }

    public static boolean externalDatabaseConfigured() {
        String url = System.getenv(URL_VARIABLE);
        return url != null && !url.isBlank();
    }

    public static synchronized Coordinates coordinates() {
        if (coordinates == null) {
            coordinates = externalDatabaseConfigured() ? createRunSchema() : fromContainer(container());
        }
        return coordinates;
    }

    /** The owner role on this run's schema: for test set-up and clean-up that the service role may not do. */
    public static synchronized JdbcClient ownerJdbc() {
        if (ownerJdbc == null) {
            Coordinates db = coordinates();
            ownerJdbc = JdbcClient.create(new DriverManagerDataSource(db.url(), db.ownerUsername(), db.ownerPassword()));
        }
        return ownerJdbc;
    }

    static synchronized PostgreSQLContainer<?> container() {
        if (container == null) {
            if (!dockerAvailable()) {
                throw new IllegalStateException("""
                        The tests need a real PostgreSQL and found none. Either set PP_TEST_DATABASE_URL \
                        (for example jdbc:postgresql://127.0.0.1:5432/pipelinepulse_test) with \
                        PP_TEST_DATABASE_USERNAME and PP_TEST_DATABASE_PASSWORD, or start Docker so that \
                        Testcontainers can run one.""");
            }
            container = new PostgreSQLContainer<>("postgres:15-alpine");
            container.start();
        }
        return container;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Coordinates fromContainer(PostgreSQLContainer<?> c) {
        String role = "pp_test_service_" + suffix();
        String password = randomPassword();
        try (Connection connection = DriverManager.getConnection(c.getJdbcUrl(), c.getUsername(), c.getPassword());
                Statement statement = connection.createStatement()) {
            createServiceRole(statement, role, password);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the test service role: " + e.getMessage(), e);
        }
        return new Coordinates(c.getJdbcUrl(), role, password, c.getUsername(), c.getPassword());
    }

    private static Coordinates createRunSchema() {
        String baseUrl = System.getenv(URL_VARIABLE);
        String username = envOr("PP_TEST_DATABASE_USERNAME", "");
        String password = envOr("PP_TEST_DATABASE_PASSWORD", "");
        String schema = "pp_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + suffix();
        String role = schema + "_service";
        String rolePassword = randomPassword();
        try (Connection connection = DriverManager.getConnection(baseUrl, username, password);
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropRun(baseUrl, username, password, schema, role)));
            createServiceRole(statement, role, rolePassword);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the test schema and service role in " + URL_VARIABLE
                    + " (PP_TEST_DATABASE_USERNAME needs CREATE on the database and CREATEROLE): " + e.getMessage(), e);
        }
        String separator = baseUrl.contains("?") ? "&" : "?";
        return new Coordinates(baseUrl + separator + "currentSchema=" + schema, role, rolePassword, username, password);
    }

    /** A login role with no attribute beyond LOGIN; its privileges come from the application's grants only. */
    private static void createServiceRole(Statement statement, String role, String password) throws SQLException {
        statement.execute("create role " + role + " login nosuperuser nocreatedb nocreaterole noinherit "
                + "nobypassrls password '" + password + "'");
    }

    private static void dropRun(String url, String username, String password, String schema, String role) {
        try (Connection connection = DriverManager.getConnection(url, username, password);
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
            statement.execute("drop owned by " + role);
            statement.execute("drop role if exists " + role);
        } catch (SQLException e) {
            // The next run uses a new schema and role anyway; leftovers only cost disk and a catalog row.
            System.err.println("Could not drop test schema " + schema + " or role " + role + ": " + e.getMessage());
        }
    }

    private static String suffix() {
        return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
