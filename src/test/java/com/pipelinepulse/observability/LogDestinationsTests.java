package com.pipelinepulse.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import com.pipelinepulse.testsupport.LoggingProfiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Logs go where docs/observability.md says and nowhere else: one console appender on stdout, in production (no
 * profile) and in {@code local}; no file, socket or other appender on any logger.
 */
class LogDestinationsTests {

    @AfterEach
    void restoreDefaultLogging() {
        LoggingProfiles.reset();
    }

    @Test
    void productionLogsOnlyToTheConsole() {
        LoggingProfiles.configure();
        assertOnlyTheConsoleOnStdout();
    }

    @Test
    void localLogsOnlyToTheConsoleToo() {
        LoggingProfiles.configure("local");
        assertOnlyTheConsoleOnStdout();
    }

    private static void assertOnlyTheConsoleOnStdout() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        List<Appender<?>> appenders = new ArrayList<>();
        for (Logger logger : context.getLoggerList()) {
            logger.iteratorForAppenders().forEachRemaining(appenders::add);
        }
        assertThat(appenders).singleElement().isInstanceOfSatisfying(ConsoleAppender.class, console -> {
            assertThat(console.getName()).isEqualTo("CONSOLE");
            assertThat(console.getTarget()).isEqualTo("System.out");
        });
    }
}
