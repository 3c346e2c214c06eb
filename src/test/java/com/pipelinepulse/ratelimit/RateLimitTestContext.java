package com.pipelinepulse.ratelimit;

import com.pipelinepulse.testsupport.IntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.event.RecordApplicationEvents;

/** The one application context of the rate-limit tests: small limits, probe endpoints, a Zoho stand-in. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@IntegrationTest
@Import(RateLimitProbes.class)
@TestPropertySource(locations = "classpath:ratelimit-test.properties")
@RecordApplicationEvents
@interface RateLimitTestContext {
}
