/**
 * Logback plumbing for {@link com.pipelinepulse.observability.LogMasking}: the masker and field masker that the
 * logstash encoder's {@code MaskingJsonGeneratorDecorator} runs, and the pattern converters of the local console.
 * Public only because logback instantiates them by class name.
 */
package com.pipelinepulse.observability.logging;
