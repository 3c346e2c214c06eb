package com.pipelinepulse.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * A full application context on real PostgreSQL, real HTTP ports (API and management) and MockMvc, talking to the
 * {@link ZohoStandIn}, with the test-only {@link ProbeEndpoints}. Tests that use only this annotation (or
 * {@link ZohoIntegrationTest}, the same) share one cached context, which keeps the suite fast: a test that needs a
 * bean or a setting of its own adds it here when it harms no other test, rather than on its class (an
 * {@code @Import}, {@code @TestPropertySource} or initializer on one class starts a context of its own).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@AutoConfigureObservability
@ActiveProfiles("test")
@Import({TestDatabaseConfiguration.class, ProbeEndpoints.class, TestClockConfiguration.class, StatementCounter.class})
@ContextConfiguration(initializers = ZohoStandIn.Settings.class)
public @interface IntegrationTest {
}
