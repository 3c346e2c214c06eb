package com.pipelinepulse.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.pipelinepulse.ratelimit.RateLimitProperties.Failures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consecutive failed sign-ins and refreshes per client address, in PostgreSQL so that every instance sees the
 * same count. After {@code threshold} failures each further failure (once the previous wait is over) starts a
 * wait one {@code step} longer than the last, up to {@code maxWait}; a success deletes the row, unless a wait is in
 * force (started by another instance since this one last read the standing): a success never ends a wait.
 *
 * <p>Counting is exact (every failure is written at once). What a request is checked against, the caller's
 * standing, is remembered per instance for {@link #STANDING_KEPT}: refreshes from a busy address then read nothing
 * before they go on. A failure or success on this instance updates its copy at once; a wait started by another
 * instance is enforced here at most {@link #STANDING_KEPT} late (docs/security.md, "Rate limits"). That period is
 * measured by a monotonic ticker, not the clock: a wall clock set back does not keep a standing longer.
 *
 * <p>Deliberately keyed by address only, never by the Zoho account or email: locking an account would let anyone
 * who knows an email lock its owner out.
 */
final class FailureThrottle {

    /** How long an instance trusts its copy of a caller's standing. */
    static final Duration STANDING_KEPT = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Failures settings;
    private final Clock clock;
    private final Cache<String, Known> standings;

    /** A caller's standing as last read or written here: the end of its wait (or null) and whether a row exists. */
    private record Known(Instant blockedUntil, boolean onRecord) {
    }

    /** @param ticker measures how long a standing is kept (the system ticker in production); the clock judges waits */
    FailureThrottle(JdbcClient jdbc, TransactionTemplate transactions, Failures settings, Clock clock, Ticker ticker) {
        this.jdbc = jdbc;
        // A savepoint inside the reporting sign-in or refresh (its own transaction when there is none): a failed
        // write rolls back only to the savepoint, so it never undoes a refresh-reuse revocation, and it needs no
        // second pooled connection (one per request, or concurrent refreshes starve the pool).
        this.transactions = new TransactionTemplate(transactions.getTransactionManager());
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.settings = settings;
        this.clock = clock;
        this.standings = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(STANDING_KEPT).ticker(ticker)
                .build();
    }

    /**
     * The request attribute set when the caller had no failures on record as its request began: a success then
     * has nothing to reset, which saves a write on nearly every sign-in and refresh. (A failure from the same
     * address racing that request keeps its count; the next success resets it.)
     */
    static final String NOTHING_ON_RECORD = FailureThrottle.class.getName() + ".nothingOnRecord";

    /** The caller's standing: how long they must still wait (or zero), and whether any failure is on record. */
    record Standing(Duration remainingWait, boolean onRecord) {
    }

    Standing standing(String clientKey) {
        Known known = standings.get(clientKey, this::read);
        Instant now = now();
        Duration wait = known.blockedUntil() != null && now.isBefore(known.blockedUntil())
                ? Duration.between(now, known.blockedUntil()) : Duration.ZERO;
        return new Standing(wait, known.onRecord());
    }

    private Known read(String clientKey) {
        List<OffsetDateTime> rows = jdbc
                .sql("select blocked_until from client_failure_throttle where client_key = :key")
                .param("key", clientKey).query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).list();
        Instant until = rows.stream().filter(Objects::nonNull).map(OffsetDateTime::toInstant).findFirst().orElse(null);
        return new Known(until, !rows.isEmpty());
    }

    /** Counts a failure; returns the wait it starts, if it starts one. */
    Optional<Lockout> recordFailure(String clientKey) {
        return transactions.execute(status -> {
            OffsetDateTime now = OffsetDateTime.ofInstant(now(), ZoneOffset.UTC);
            Row row = jdbc.sql("""
                    insert into client_failure_throttle (client_key, consecutive_failures, blocked_until, last_failure_at)
                    values (:key, 1, null, :now)
                    on conflict (client_key) do update set
                        consecutive_failures = case
                            when client_failure_throttle.last_failure_at < :forgetBefore then 1
                            else client_failure_throttle.consecutive_failures + 1 end,
                        last_failure_at = :now
                    returning consecutive_failures, blocked_until
                    """)
                    .param("key", clientKey).param("now", now)
                    .param("forgetBefore", now.minus(settings.forgetAfter()))
                    .query((rs, n) -> new Row(rs.getInt(1), rs.getObject(2, OffsetDateTime.class))).single();
            boolean waiting = row.blockedUntil() != null && row.blockedUntil().isAfter(now);
            if (row.failures() < settings.threshold() || waiting) {
                standings.put(clientKey, new Known(row.blockedUntil() == null ? null : row.blockedUntil().toInstant(),
                        true));
                return Optional.<Lockout>empty();
            }
            Duration wait = waitAfter(row.failures());
            jdbc.sql("update client_failure_throttle set blocked_until = :until where client_key = :key")
                    .param("until", now.plus(wait)).param("key", clientKey).update();
            standings.put(clientKey, new Known(now.plus(wait).toInstant(), true));
            return Optional.of(new Lockout(wait, row.failures()));
        });
    }

    void recordSuccess(String clientKey) {
        // A wait another instance started while this one still trusted its standing stays in force.
        int deleted = jdbc.sql("""
                delete from client_failure_throttle
                where client_key = :key and (blocked_until is null or blocked_until <= :now)
                """).param("key", clientKey).param("now", OffsetDateTime.ofInstant(now(), ZoneOffset.UTC)).update();
        if (deleted > 0) {
            standings.put(clientKey, new Known(null, false));
        } else {
            // Nothing on record, or a wait in force: the next request reads which.
            standings.invalidate(clientKey);
        }
    }

    /** Drops rows that no longer matter: no wait in force and the last failure forgotten. */
    int removeForgotten() {
        OffsetDateTime now = OffsetDateTime.ofInstant(now(), ZoneOffset.UTC);
        return jdbc.sql("""
                delete from client_failure_throttle
                where last_failure_at < :forgetBefore and (blocked_until is null or blocked_until < :now)
                """).param("forgetBefore", now.minus(settings.forgetAfter())).param("now", now).update();
    }

    // PostgreSQL keeps microseconds (rounding the rest); comparing nanosecond instants with rounded-up stored
    // times would leave a phantom sub-second wait.
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    Duration waitAfter(int failures) {
        long steps = (long) failures - settings.threshold() + 1;
        Duration wait = settings.step().multipliedBy(Math.max(1, steps));
        return wait.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : wait;
    }

    record Lockout(Duration duration, int failures) {
    }

    private record Row(int failures, OffsetDateTime blockedUntil) {
    }
}
