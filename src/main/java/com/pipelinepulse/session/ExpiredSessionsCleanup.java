package com.pipelinepulse.session;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes sessions (and, by cascade, their refresh-token hashes) that ended more than
 * {@link #RETENTION} ago. Rotated tokens are kept while their session lives, because they are what reuse
 * detection recognises. Safe to run on every instance at once; the audit trail keeps the history.
 */
@Component
class ExpiredSessionsCleanup {

    static final Duration RETENTION = Duration.ofDays(7);
    private static final Logger log = LoggerFactory.getLogger(ExpiredSessionsCleanup.class);

    private final SessionStore store;

    ExpiredSessionsCleanup(SessionStore store) {
        this.store = store;
    }

    @Scheduled(initialDelay = 5, fixedDelay = 60, timeUnit = java.util.concurrent.TimeUnit.MINUTES)
    @Transactional
    public void deleteLongEndedSessions() {
        int deleted = store.deleteEndedBefore(Instant.now().minus(RETENTION));
        if (deleted > 0) {
            log.info("Deleted {} sessions that ended more than {} days ago", deleted, RETENTION.toDays());
        }
    }
}
