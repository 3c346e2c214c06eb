package com.pipelinepulse.testsupport;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Replaces the application's clock by a {@link MutableClock} so that tests can fix "today", and its cache ticker by a
 * {@link MutableTicker} so that they can keep a cached entry fresh.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestClockConfiguration {

    @Bean
    @Primary
    MutableClock testClock() {
        return new MutableClock();
    }

    @Bean
    MutableTicker testTicker() {
        return new MutableTicker();
    }
}
