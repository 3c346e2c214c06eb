package com.pipelinepulse.pipeline;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The health evaluator and the clock that says what "today" is (UTC); tests replace the clock to fix today. */
@Configuration(proxyBeanMethods = false)
class PipelineFiguresConfiguration {

    @Bean
    HealthEvaluator healthEvaluator(HealthProperties thresholds) {
        return new HealthEvaluator(thresholds);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
