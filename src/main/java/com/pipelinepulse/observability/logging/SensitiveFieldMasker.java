package com.pipelinepulse.observability.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.pipelinepulse.observability.LogMasking;
import net.logstash.logback.mask.FieldMasker;

/**
 * Masks a JSON member whole when its name is sensitive ({@link LogMasking#isSensitiveFieldName(String)}),
 * whatever the value, including objects and arrays. A custom masker rather than the decorator's
 * {@code <path>} list because the match must ignore case and catch compound names
 * ({@code refresh_token}, {@code client_secret}, {@code Set-Cookie}).
 */
public class SensitiveFieldMasker implements FieldMasker {

    @Override
    public Object mask(JsonStreamContext context) {
        return context.hasCurrentName() && LogMasking.isSensitiveFieldName(context.getCurrentName())
                ? LogMasking.MASK : null;
    }
}
