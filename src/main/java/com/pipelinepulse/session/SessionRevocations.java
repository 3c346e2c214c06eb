package com.pipelinepulse.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Which sessions are revoked, as seen by this instance, without a database query per request.
 *
 * <p>Every revocation is announced with {@code pg_notify} on {@value SessionStore#REVOCATION_CHANNEL}
 * (delivered at commit). One connection per instance LISTENs and puts each announced session id into a
 * local map, kept for as long as an access token of that session can still be valid (the access-token
 * lifetime plus clock skew); after that the token has expired anyway. On every (re)connect the listener
 * first LISTENs, then loads the revocations of that period from the table, so nothing announced while it
 * was away is missed. While the listener is not connected, {@link #isRevoked(UUID)} asks the database
 * directly: fail-safe, never stale. Notifications arrive within milliseconds of the commit, well inside
 * the promised 5 seconds.
 */
@Component
class SessionRevocations implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionRevocations.class);
    private static final int POLL_MILLIS = 500;
    private static final Duration HEALTH_CHECK_EVERY = Duration.ofSeconds(5);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final SessionStore store;
    private final Duration remember;
    private final Map<UUID, Instant> revoked = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();

    private volatile boolean running;
    private volatile boolean listening;
    private Thread listener;

    SessionRevocations(DataSource dataSource, SessionStore store, SessionProperties properties) {
        this.dataSource = dataSource;
        this.store = store;
        this.remember = properties.accessTokenLifetime().plus(properties.clockSkew()).plusMinutes(1);
    }

    boolean isRevoked(UUID sessionId) {
        Instant forgetAt = revoked.get(sessionId);
        if (forgetAt != null) {
            return true;
        }
        return !listening && store.isRevoked(sessionId);
    }

    /** Records a revocation made by this instance as soon as its transaction commits. */
    void revokedHere(UUID sessionId) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    remember(sessionId);
                }
            });
        } else {
            remember(sessionId);
        }
    }

    /** Whether the LISTEN connection is up (otherwise every check goes to the database). */
    boolean listening() {
        return listening;
    }

    private void remember(UUID sessionId) {
        revoked.put(sessionId, Instant.now().plus(remember));
    }

    private void listenLoop() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + SessionStore.REVOCATION_CHANNEL);
                }
                store.revokedSince(Instant.now().minus(remember)).forEach(this::remember);
                listening = true;
                log.info("Listening for session revocations");
                PGConnection pg = connection.unwrap(PGConnection.class);
                Instant nextHealthCheck = Instant.now().plus(HEALTH_CHECK_EVERY);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            accept(n.getParameter());
                        }
                    }
                    Instant now = Instant.now();
                    revoked.values().removeIf(forgetAt -> forgetAt.isBefore(now));
                    if (now.isAfter(nextHealthCheck)) {
                        // A silently dropped connection delivers nothing; a round trip notices it.
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("select 1");
                        }
                        nextHealthCheck = now.plus(HEALTH_CHECK_EVERY);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Session revocation listener disconnected ({}); checking the database directly "
                            + "until it reconnects", e.getClass().getSimpleName());
                }
            } finally {
                listening = false;
            }
            pause();
        }
    }

    private void accept(String payload) {
        try {
            remember(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            log.warn("Ignored a malformed session revocation notification");
        }
    }

    private void pause() {
        synchronized (wakeUp) {
            if (running) {
                try {
                    wakeUp.wait(RECONNECT_DELAY.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(this::listenLoop, "session-revocation-listener");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public void stop() {
        running = false;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        Thread t = listener;
        if (t != null) {
            try {
                t.join(POLL_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
