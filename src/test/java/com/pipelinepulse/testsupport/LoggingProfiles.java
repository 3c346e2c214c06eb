package com.pipelinepulse.testsupport;

import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.mock.env.MockEnvironment;

/**
 * Configures logback from the real {@code logback-spring.xml}, exactly as Spring Boot does at start-up, for a
 * given set of active profiles: unit tests can then check what a profile prints without starting the
 * application. Call {@link #reset()} afterwards so later tests in the JVM log with the default profile.
 */
public final class LoggingProfiles {

    private LoggingProfiles() {
    }

    public static void configure(String... activeProfiles) {
        MockEnvironment environment = new MockEnvironment();
        environment.setActiveProfiles(activeProfiles);
        LoggingSystem system = LoggingSystem.get(LoggingProfiles.class.getClassLoader());
        system.cleanUp();
        system.beforeInitialize();
        system.initialize(new LoggingInitializationContext(environment), null, null);
    }

    /** Back to the default (production, JSON) configuration. */
    public static void reset() {
        configure();
    }
}
