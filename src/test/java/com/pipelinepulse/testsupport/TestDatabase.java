package com.pipelinepulse.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one real PostgreSQL that every test of this JVM uses.
 *
 * <ol>
 *   <li>{@code PP_TEST_DATABASE_URL} (with {@code PP_TEST_DATABASE_USERNAME} and
 *   {@code PP_TEST_DATABASE_PASSWORD}) when set: a fresh schema, unique to this run, is created in that
 *   database and dropped when the JVM ends, so reruns never see an earlier run's rows.</li>
 *   <li>Otherwise a Testcontainers PostgreSQL when Docker is available (wired through
 *   {@code @ServiceConnection}, see {@link TestDatabaseConfiguration}).</li>
 *   <li>Otherwise the run fails with a message naming what to set.</li>
 * </ol>
 */
public final class TestDatabase {

    public static final String URL_VARIABLE = "PP_TEST_DATABASE_URL";

    /** Where to connect: a JDBC URL (already pointing at this run's schema) and credentials. */
    public record Coordinates(String url, String username, String password) {
    }

    private static Coordinates coordinates;
    private static PostgreSQLContainer<?> container;

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
        return new Coordinates(c.getJdbcUrl(), c.getUsername(), c.getPassword());
    }

    private static Coordinates createRunSchema() {
        String baseUrl = System.getenv(URL_VARIABLE);
        String username = envOr("PP_TEST_DATABASE_USERNAME", "");
        String password = envOr("PP_TEST_DATABASE_PASSWORD", "");
        String schema = "pp_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        try (Connection connection = DriverManager.getConnection(baseUrl, username, password);
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the test schema in " + URL_VARIABLE + ": " + e.getMessage(),
                    e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropSchema(baseUrl, username, password, schema)));
        String separator = baseUrl.contains("?") ? "&" : "?";
        return new Coordinates(baseUrl + separator + "currentSchema=" + schema, username, password);
    }

    private static void dropSchema(String url, String username, String password, String schema) {
        try (Connection connection = DriverManager.getConnection(url, username, password);
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            // The next run uses a new schema anyway; a leftover one only costs disk.
            System.err.println("Could not drop test schema " + schema + ": " + e.getMessage());
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
