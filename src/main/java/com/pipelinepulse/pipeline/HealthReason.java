package com.pipelinepulse.pipeline;

import java.util.Locale;

/** Why a deal is not {@link Health#GREEN}; listed worst first, in PIPELINE.md's order. */
public enum HealthReason {
    PROPOSAL_STALLED(Health.RED),
    INVOICE_UNPAID(Health.RED),
    OVERDUE_CLOSE(Health.RED),
    KICKOFF_DELAYED(Health.YELLOW),
    EXECUTION_LONG(Health.YELLOW),
    HIGH_PROBABILITY_NO_PO(Health.YELLOW),
    LOW_PROBABILITY_IN_EXECUTION(Health.YELLOW),
    STALE(Health.NEEDS_UPDATE);

    private final Health level;

    HealthReason(Health level) {
        this.level = level;
    }

    public Health level() {
        return level;
    }

    /** The name clients see, e.g. {@code proposal_stalled}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
