package com.pipelinepulse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

class UnsafeConfigurationFailureAnalyzerTests {

    @Test
    void isRegisteredAndListsEachProblem() {
        // Boot instantiates the analyzers itself (some need the bean factory): check the registration only.
        List<String> registered = SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class,
                getClass().getClassLoader());
        assertThat(registered).contains(UnsafeConfigurationFailureAnalyzer.class.getName());

        FailureAnalysis analysis = new UnsafeConfigurationFailureAnalyzer().analyze(new BeanCreationException(
                "startupSafetyValidator", new UnsafeConfigurationException(
                        List.of("the JWT key ring is missing", "the OAuth redirect URI is not set"))));

        assertThat(analysis.getDescription())
                .contains("\n - the JWT key ring is missing\n - the OAuth redirect URI is not set");
        assertThat(analysis.getAction()).contains("docs/configuration.md");
    }
}
