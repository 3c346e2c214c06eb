package com.pipelinepulse.ratelimit;

import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.event.RecordApplicationEvents;

/**
 * The one application context of the rate-limit tests: the real application talking to the Zoho stand-in, with
 * small limits (ratelimit-test.properties); the tests move the shared test clock (testsupport.MutableClock).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ZohoIntegrationTest
@TestPropertySource(locations = "classpath:ratelimit-test.properties")
@RecordApplicationEvents
@interface RateLimitTestContext {
}
