package com.pipelinepulse.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a refused start into a short report: each problem on its own line, no stack trace noise. */
class UnsafeConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsafeConfigurationException cause) {
        return new FailureAnalysis(
                "Refusing to start with an unsafe configuration:\n - " + String.join("\n - ", cause.problems()),
                "Fix the settings named above (docs/configuration.md), or use the 'local' profile for development.",
                cause);
    }
}
