package com.pipelinepulse.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.ContextConfiguration;

/**
 * An {@link IntegrationTest} whose application talks to the {@link ZohoStandIn}. All tests with this annotation
 * share one cached context (one more than plain {@code @IntegrationTest} tests).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@IntegrationTest
@ContextConfiguration(initializers = ZohoStandIn.Settings.class)
public @interface ZohoIntegrationTest {
}
