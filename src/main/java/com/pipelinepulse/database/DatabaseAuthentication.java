package com.pipelinepulse.database;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the last physical connection authenticated ({@code iam}, {@code password}, or
 * {@code password-fallback} after IAM failed), with the fallbacks counted
 * ({@code pipelinepulse.database.iam.fallbacks}) and one WARN each time IAM stops working.
 */
final class DatabaseAuthentication {

    private static final Logger log = LoggerFactory.getLogger(DatabaseAuthentication.class);

    static final String FALLBACK_METRIC = "pipelinepulse.database.iam.fallbacks";

    enum Mode {
        IAM("iam"), PASSWORD("password"), PASSWORD_FALLBACK("password-fallback");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private final Counter fallbacks;
    private volatile Mode mode;
    private boolean warned;

    DatabaseAuthentication(MeterRegistry meters, boolean iam) {
        this.fallbacks = meters.counter(FALLBACK_METRIC);
        this.mode = iam ? Mode.IAM : Mode.PASSWORD;
    }

    Mode mode() {
        return mode;
    }

    double fallbackCount() {
        return fallbacks.count();
    }

    synchronized void usedIam() {
        mode = Mode.IAM;
        warned = false;
    }

    void usedPassword() {
        mode = Mode.PASSWORD;
    }

    /** @param reason an error type or SQLSTATE, never a message that could quote a credential */
    synchronized void fellBackToPassword(String user, String reason) {
        mode = Mode.PASSWORD_FALLBACK;
        fallbacks.increment();
        if (!warned) {
            warned = true;
            log.warn("RDS IAM authentication for database user {} failed ({}); connecting with the password "
                    + "from the secrets module until IAM works again", user, reason);
        }
    }
}
