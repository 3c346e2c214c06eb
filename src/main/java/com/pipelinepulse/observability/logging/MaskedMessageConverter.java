package com.pipelinepulse.observability.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.pipelinepulse.observability.LogMasking;

/** {@code %maskedMsg}: the formatted message, masked and on one line (the local console's {@code %m}). */
public class MaskedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogMasking.maskMessage(event.getFormattedMessage());
    }
}
