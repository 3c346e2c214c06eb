package com.pipelinepulse.zoho.internal;

import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import java.util.function.Predicate;

/**
 * Which failures of a Zoho call a retry may help and a circuit breaker should count: only
 * {@link ZohoAccountsException.Kind#UNAVAILABLE} (I/O errors, timeouts, 5xx, a body that is not Zoho's). Refusals
 * ({@code invalid_code}, {@code invalid_client}) and throttling are answers: retrying a throttle extends Zoho's
 * block. Named by class in application.yml ({@code resilience4j.retry.configs.zoho.retry-exception-predicate},
 * {@code resilience4j.circuitbreaker.configs.zoho.record-exception-predicate}), hence public.
 */
public final class RetryableZohoFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        return failure instanceof ZohoAccountsException zoho && zoho.retryable();
    }
}
