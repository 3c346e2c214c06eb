package com.pipelinepulse.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/**
 * Runs before any test (Maven's {@code process-test-classes} phase, see pom.xml): the integration tests need a real
 * PostgreSQL, so when {@link TestDatabase} would find none the build stops here, in seconds, with one line naming
 * what to set, instead of every Spring context failing on its own. {@code -DskipITs} or {@code -DskipTests} skips
 * it (unit tests need no database).
 *
 * <p>A {@link Runnable}, which {@code exec:java} runs like a main class, rather than a {@code main} method: the test
 * classes must keep a single main class, {@code TestPipelinePulseApplication}, for {@code spring-boot:test-run}.
 */
public final class TestDatabasePreflight implements Runnable {

    @Override
    public void run() {
        // Testcontainers explains at length why it found no Docker; the one line of the failure says what matters.
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.OFF);
        Optional<String> problem = problem(System.getenv(TestDatabase.URL_VARIABLE),
                System.getenv("PP_TEST_DATABASE_USERNAME"), System.getenv("PP_TEST_DATABASE_PASSWORD"),
                TestDatabase::dockerAvailable);
        if (problem.isPresent()) {
            throw new NoTestDatabase(problem.get());
        }
    }

    /** Why the integration tests cannot get a database, or empty when they can. */
    static Optional<String> problem(String url, String username, String password, BooleanSupplier docker) {
        if (url != null && !url.isBlank()) {
            return unreachable(url, username, password);
        }
        if (docker.getAsBoolean()) {
            return Optional.empty();
        }
        return Optional.of("The integration tests need PostgreSQL: set " + TestDatabase.URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/<database> (with PP_TEST_DATABASE_USERNAME and"
                + " PP_TEST_DATABASE_PASSWORD), or start Docker for Testcontainers; unit tests alone: -DskipITs");
    }

    private static Optional<String> unreachable(String url, String username, String password) {
        DriverManager.setLoginTimeout(5);
        try (Connection connection = DriverManager.getConnection(url, orEmpty(username), orEmpty(password))) {
            return Optional.empty();
        } catch (SQLException e) {
            // Not the URL itself: it may carry a password.
            return Optional.of("The integration tests cannot connect to " + TestDatabase.URL_VARIABLE + " ("
                    + e.getMessage() + "): create the database or correct PP_TEST_DATABASE_URL,"
                    + " PP_TEST_DATABASE_USERNAME and PP_TEST_DATABASE_PASSWORD");
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Fails the Maven execution with this message; a stack trace would only bury it. */
    static final class NoTestDatabase extends RuntimeException {
        NoTestDatabase(String message) {
            super(message, null, false, false);
        }
    }
}
