package com.pipelinepulse.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Whether an error means "PostgreSQL cannot be reached right now" (no pooled connection within Hikari's timeout, a
 * connection broken by a restart, the server shutting down) rather than a fault in this request. Those are answered
 * 503 with {@code Retry-After}, not 500: the request can be retried as it is once the database is back.
 */
final class DatabaseUnavailable {

    /** Seconds a client should wait before retrying: about a pool connection timeout. */
    static final long RETRY_AFTER_SECONDS = 5;

    /** The message, without SQLState, of every call on a HikariCP connection proxy that was closed. */
    private static final String HIKARI_CLOSED_CONNECTION = "Connection is closed";

    private DatabaseUnavailable() {
    }

    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null
                    && HIKARI_CLOSED_CONNECTION.equals(sql.getMessage())) {
                // HikariCP's stand-in for a pooled connection it closed under its user (the server ended it): no
                // SQLState. Seen as a rate limit's rollback in the moment PostgreSQL stopped (docs/benchmarks.md).
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }
}
