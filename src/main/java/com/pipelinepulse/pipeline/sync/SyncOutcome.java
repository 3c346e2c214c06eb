package com.pipelinepulse.pipeline.sync;

import java.util.Locale;

/** How a run ended (the {@code outcome} column and the metrics' {@code outcome} tag). */
enum SyncOutcome {
    /** Still going (or its instance died: the next run marks it {@link #ABANDONED}). */
    RUNNING,
    /** Every page read and stored. */
    SUCCEEDED,
    /** Zoho said too many requests (429 or its throttle body); not before {@code retry_after} again. */
    THROTTLED,
    /** The sync account's Zoho link needs a new sign-in (or is gone). */
    REAUTH_REQUIRED,
    /** Anything else: Zoho kept failing after retries, refused, or the run broke. */
    FAILED,
    /** Its instance stopped mid-run; a later run took over. */
    ABANDONED;

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
