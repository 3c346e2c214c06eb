package com.pipelinepulse.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;
import com.pipelinepulse.observability.LogMasking;

/**
 * {@code %mask(...)}: masks whatever the wrapped pattern renders, keeping its line breaks (used around the
 * stack trace in the local console, whose lines are legitimately several).
 */
public class MaskingConverter extends CompositeConverter<ILoggingEvent> {

    @Override
    protected String transform(ILoggingEvent event, String in) {
        return LogMasking.mask(in);
    }
}
