package com.pipelinepulse.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An {@link IntegrationTest} whose application talks to the {@link ZohoStandIn}: every {@link IntegrationTest} does,
 * so both share one cached context. The name says what a test relies on.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@IntegrationTest
public @interface ZohoIntegrationTest {
}
