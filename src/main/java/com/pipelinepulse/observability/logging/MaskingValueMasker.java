package com.pipelinepulse.observability.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.pipelinepulse.observability.LogMasking;
import net.logstash.logback.mask.ValueMasker;

/**
 * Applies {@link LogMasking} to every string value the JSON encoder writes (message, stack trace, MDC,
 * structured arguments). In the {@code message} member line breaks are neutralised as well; a stack trace
 * keeps its lines (JSON escapes them, so they cannot forge a log record either).
 */
public class MaskingValueMasker implements ValueMasker {

    private static final String MESSAGE_FIELD = "message";

    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (!(value instanceof CharSequence text)) {
            return null;
        }
        String original = text.toString();
        String masked = MESSAGE_FIELD.equals(context.getCurrentName()) ? LogMasking.maskMessage(original)
                : LogMasking.mask(original);
        // null tells the decorator "not masked": the original is written unchanged.
        return masked.equals(original) ? null : masked;
    }
}
