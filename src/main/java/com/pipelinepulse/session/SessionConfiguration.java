package com.pipelinepulse.session;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on scheduling for {@link ExpiredSessionsCleanup} (harmless if another module enables it too). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SessionConfiguration {
}
