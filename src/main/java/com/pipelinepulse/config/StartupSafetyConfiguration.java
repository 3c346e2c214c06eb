package com.pipelinepulse.config;

import com.pipelinepulse.secrets.Secrets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Runs {@link StartupSafetyRules} while the context starts, so an unsafe configuration never serves. */
@Configuration(proxyBeanMethods = false)
class StartupSafetyConfiguration {

    static final String VALIDATOR = "startupSafetyValidator";

    /** The validator runs before any DataSource exists, so an unsafe configuration never touches the database. */
    @Bean
    static BeanFactoryPostProcessor validateBeforeDataSources() {
        return beanFactory -> {
            for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
                if (!beanFactory.containsBeanDefinition(name)) {
                    continue;
                }
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                Set<String> dependsOn = new LinkedHashSet<>();
                if (definition.getDependsOn() != null) {
                    dependsOn.addAll(Arrays.asList(definition.getDependsOn()));
                }
                dependsOn.add(VALIDATOR);
                definition.setDependsOn(dependsOn.toArray(String[]::new));
            }
        };
    }

    @Bean(VALIDATOR)
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
