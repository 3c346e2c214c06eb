package com.pipelinepulse.config;

import com.pipelinepulse.secrets.Secrets;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Runs {@link StartupSafetyRules} while the context starts, so an unsafe configuration never serves. */
@Configuration(proxyBeanMethods = false)
class StartupSafetyConfiguration {

    @Bean
    StartupSafetyValidator startupSafetyValidator(Environment environment, Secrets secrets) {
        return new StartupSafetyValidator(environment, secrets);
    }

    static final class StartupSafetyValidator implements InitializingBean {

        private final Environment environment;
        private final Secrets secrets;

        StartupSafetyValidator(Environment environment, Secrets secrets) {
            this.environment = environment;
            this.secrets = secrets;
        }

        @Override
        public void afterPropertiesSet() {
            List<String> problems = StartupSafetyRules.problems(environment, secrets);
            if (!problems.isEmpty()) {
                throw new UnsafeConfigurationException(problems);
            }
        }
    }
}
