package com.pipelinepulse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** The settings {@code application.yml} gives without any profile (production), read the way Spring Boot reads it. */
public final class DefaultConfiguration {

    private DefaultConfiguration() {
    }

    public static StandardEnvironment environment() {
        StandardEnvironment environment = new StandardEnvironment();
        try {
            new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml")).stream()
                    .filter(document -> document.getProperty("spring.config.activate.on-profile") == null)
                    .forEach(document -> environment.getPropertySources().addLast(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return environment;
    }
}
