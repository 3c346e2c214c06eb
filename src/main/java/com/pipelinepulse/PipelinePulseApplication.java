package com.pipelinepulse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Pipeline Pulse API: Zoho sign-in, our own JWT sessions, and Zoho CRM insight for the SPA.
 *
 * <p>{@link UserDetailsServiceAutoConfiguration} is excluded so that no default user or generated
 * password ever exists: every principal comes from a Zoho sign-in.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class PipelinePulseApplication {

    public static void main(String[] args) {
        SpringApplication.run(PipelinePulseApplication.class, args);
    }
}
