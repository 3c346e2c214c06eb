package com.pipelinepulse.config;

import java.util.List;

/**
 * The service refuses to start: the configuration is unsafe for production. Each problem names the
 * setting and what is wrong with it, never a value.
 */
public final class UnsafeConfigurationException extends IllegalStateException {

    private final List<String> problems;

    public UnsafeConfigurationException(List<String> problems) {
        super("Refusing to start with an unsafe configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
