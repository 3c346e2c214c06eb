package com.pipelinepulse.zoho.tokens;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.observability.MetricNames;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.zoho.ZohoConnectionStatus;
import com.pipelinepulse.zoho.ZohoTokenProperties;
import com.pipelinepulse.zoho.accounts.ZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoTokens;
import com.pipelinepulse.zoho.tokens.ZohoTokenStore.LocalLimitExceededException;
import com.pipelinepulse.zoho.tokens.ZohoTokenStore.TokenRow;
import com.zaxxer.hikari.HikariDataSource;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Serves a connection's Zoho access token and keeps Zoho's limits (ZOHO.md, Limits).
 *
 * <ul>
 *   <li>Tokens are served from memory until {@code expires_at} minus a skew (5 minutes by default), then refreshed
 *   ahead of expiry.</li>
 *   <li>One refresh per connection at a time: in this JVM all callers share one in-flight future; across instances
 *   the refresher claims the connection's refresh lease ({@code refresh_lease_owner}/{@code _until}, one UPDATE
 *   ... RETURNING that also re-reads the row), so no database connection is held while Zoho answers. A refresher
 *   that finds the lease taken polls the row and uses the other instance's fresh token when there is one.</li>
 *   <li>Refreshes run on a bounded pool: {@code refresh-threads} threads, but at most half the database pool, and
 *   a queue of {@code refresh-queue}; a refresh that finds the queue full is refused at once (503
 *   {@code zoho-unavailable}, outcome {@code busy}). Each refresh thread uses one pooled connection at a time, for
 *   one statement, so refreshes can never take the whole pool.</li>
 *   <li>Each token request to Zoho (retries and forced refreshes included) is first counted in
 *   {@code zoho_token_request}; the 11th within 10 minutes is refused here, without calling Zoho.</li>
 *   <li>Resilience4j: retry ({@code zoho-token}: exponential backoff with jitter, only for {@code UNAVAILABLE}
 *   failures), a circuit breaker per data centre ({@code zoho-<location>}) and a 30 s time limit on the whole
 *   operation ({@code zoho-token}), which interrupts the refreshing thread when it runs out.</li>
 *   <li>{@code invalid_code} on refresh: the connection becomes {@code REAUTH_REQUIRED} (nothing deleted), a
 *   {@code zoho_reauth_required} security event is published and callers get a 409 {@code zoho-reauth-required}
 *   problem.</li>
 * </ul>
 * Failures reach callers as {@link ApiProblemException}s (see {@link ZohoProblems}).
 */
@Service
public class ZohoTokenManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZohoTokenManager.class);

    private static final String REFRESHES = MetricNames.ZOHO_TOKEN_REFRESHES;
    private static final String REFRESH_LATENCY = MetricNames.ZOHO_TOKEN_REFRESH_LATENCY;
    private static final String CACHE_LOOKUPS = MetricNames.ZOHO_TOKEN_CACHE_LOOKUPS;
    private static final String THROTTLED = MetricNames.ZOHO_THROTTLED;
    public static final String RESILIENCE_NAME = "zoho-token";
    static final String CIRCUIT_CONFIG = "zoho";

    private static final List<String> OUTCOMES = List.of("success", "invalid_code", "rejected", "throttled",
            "unavailable", "timeout", "circuit_open", "limited", "busy");
    private static final Duration UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(30);
    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(5);
    /** How often a refresher waiting for another instance's lease looks at the row again. */
    private static final Duration LEASE_POLL = Duration.ofMillis(100);

    /** Why a refresh is wanted; decides whether a token another caller stored meanwhile will do. */
    enum Reason {
        /** The cached token is missing or about to expire. */
        EXPIRY,
        /** Zoho refused the given access token (CRM 401 INVALID_TOKEN). */
        REJECTED_TOKEN,
        /** Someone asked for a new token explicitly. */
        FORCED
    }

    /**
     * An access token, when Zoho says it expires, and the API domain it was stored for (the only host it is sent
     * to; one of the table's). {@link #toString()} never shows the token.
     */
    public record AccessToken(UUID connectionId, String value, Instant expiresAt, URI apiDomain) {
        @Override
        public String toString() {
            return "AccessToken[connectionId=" + connectionId + ", expiresAt=" + expiresAt + ", apiDomain="
                    + apiDomain + "]";
        }
    }

    private final ZohoTokenStore store;
    private final ZohoAccounts accounts;
    private final ZohoTokenProperties properties;
    private final CircuitBreakerRegistry circuitBreakers;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Map<UUID, AccessToken> cache = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<AccessToken>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger runningRefreshes = new AtomicInteger();
    private final ThreadPoolExecutor refreshers;
    /**
     * Refreshes running or waiting on this instance, at most threads + queue. Counted here rather than left to the
     * executor's bounded queue: idle threads take queued work only after a moment, so a burst into idle threads
     * could find the queue full although a thread was free.
     */
    private final Semaphore refreshSlots;
    /** A lease lapses this long after it was claimed: the holder is interrupted at the time limit, 5 s earlier. */
    private final Duration leaseTtl;

    ZohoTokenManager(ZohoTokenStore store, ZohoAccounts accounts, ZohoTokenProperties properties,
            CircuitBreakerRegistry circuitBreakers, RetryRegistry retries, TimeLimiterRegistry timeLimiters,
            ApplicationEventPublisher events, MeterRegistry meters, DataSource dataSource) {
        this.store = store;
        this.accounts = accounts;
        this.properties = properties;
        this.circuitBreakers = circuitBreakers;
        this.retry = retries.retry(RESILIENCE_NAME);
        this.timeLimiter = timeLimiters.timeLimiter(RESILIENCE_NAME);
        this.events = events;
        this.meters = meters;
        this.cacheHits = Counter.builder(CACHE_LOOKUPS).tag("result", "hit")
                .description("Zoho access tokens served from memory").register(meters);
        this.cacheMisses = Counter.builder(CACHE_LOOKUPS).tag("result", "miss")
                .description("Zoho access token lookups that had to go to the database or Zoho").register(meters);
        for (String outcome : OUTCOMES) {
            refreshCounter(outcome);
            refreshTimer(outcome);
        }
        for (String source : List.of("zoho", "local")) {
            throttleCounter(source);
        }
        this.leaseTtl = timeLimiter.getTimeLimiterConfig().getTimeoutDuration().plusSeconds(5);
        int threads = refreshThreads(properties.refreshThreads(), poolSize(dataSource));
        this.refreshers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new ThreadFactory() {
                    private final AtomicInteger number = new AtomicInteger();

                    @Override
                    public Thread newThread(Runnable task) {
                        Thread thread = new Thread(task, "zoho-token-refresh-" + number.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    }
                }, new ThreadPoolExecutor.AbortPolicy());
        this.refreshers.allowCoreThreadTimeOut(true);
        this.refreshSlots = new Semaphore(threads + properties.refreshQueue());
        log.info("Zoho token refreshes: {} threads, a queue of {}", threads, properties.refreshQueue());
    }

    /** The configured refresh threads, but at most half the database pool (at least one). */
    static int refreshThreads(int configured, int poolSize) {
        return poolSize <= 0 ? configured : Math.max(1, Math.min(configured, poolSize / 2));
    }

    /** The database pool's maximum size, or 0 when it is not a HikariCP pool. */
    private static int poolSize(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(HikariDataSource.class)
                    ? dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize() : 0;
        } catch (SQLException e) {
            return 0;
        }
    }

    /** The connection's access token: from memory while it has more than the skew left, else refreshed. */
    public AccessToken accessToken(UUID connectionId) {
        AccessToken cached = cache.get(connectionId);
        if (cached != null && fresh(cached.expiresAt())) {
            cacheHits.increment();
            return cached;
        }
        cacheMisses.increment();
        return flight(connectionId, Reason.EXPIRY, null);
    }

    /**
     * A token other than {@code rejected}, which Zoho refused: another caller's newer token when there is one,
     * else a new one from Zoho.
     */
    public AccessToken refreshAfterRejection(UUID connectionId, String rejected) {
        cache.computeIfPresent(connectionId, (id, token) -> token.value().equals(rejected) ? null : token);
        return flight(connectionId, Reason.REJECTED_TOKEN, rejected);
    }

    /** A new access token from Zoho, whatever the cached one (within the local limit). */
    public AccessToken forceRefresh(UUID connectionId) {
        return flight(connectionId, Reason.FORCED, null);
    }

    /** Forgets the cached token of a connection (for example after a new sign-in replaced it). */
    void evict(UUID connectionId) {
        cache.remove(connectionId);
    }

    /** Refreshes running right now on this instance's refresh threads. */
    int runningRefreshes() {
        return runningRefreshes.get();
    }

    /** Refreshes waiting for a refresh thread on this instance. */
    int queuedRefreshes() {
        return refreshers.getQueue().size();
    }

    /** How many refresh threads this instance has at most. */
    int refreshThreads() {
        return refreshers.getMaximumPoolSize();
    }

    private boolean fresh(Instant expiresAt) {
        return expiresAt != null && expiresAt.isAfter(Instant.now().plus(properties.refreshSkew()));
    }

    /** Joins this connection's refresh in flight on this JVM, or starts one. */
    private AccessToken flight(UUID connectionId, Reason reason, String rejected) {
        CompletableFuture<AccessToken> mine = new CompletableFuture<>();
        CompletableFuture<AccessToken> running = inFlight.putIfAbsent(connectionId, mine);
        if (running != null) {
            return join(running);
        }
        try {
            AccessToken token = bounded(connectionId, reason, rejected);
            mine.complete(token);
            return token;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(connectionId, mine);
        }
    }

    private AccessToken join(CompletableFuture<AccessToken> running) {
        Duration wait = timeLimiter.getTimeLimiterConfig().getTimeoutDuration().plusSeconds(10);
        try {
            return running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Zoho token refresh failed", e.getCause());
        } catch (TimeoutException e) {
            throw ZohoProblems.unavailable("Zoho did not answer in time.", UNAVAILABLE_RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZohoProblems.unavailable("Interrupted while waiting for Zoho.", UNAVAILABLE_RETRY_AFTER);
        }
    }

    /** The refresh on a refresh thread, within the time limit (which interrupts that thread when it runs out). */
    private AccessToken bounded(UUID connectionId, Reason reason, String rejected) {
        long start = System.nanoTime();
        FutureTask<AccessToken> submitted = new FutureTask<>(() -> refresh(connectionId, reason, rejected)) {
            @Override
            public void run() {
                // The slot is free only when the refresh thread is: not at cancellation (the time limit cancels and
                // interrupts, but the thread may still be finishing a database call). A task cancelled while
                // queued still passes here when the executor dequeues it, and returns at once.
                try {
                    super.run();
                } finally {
                    refreshSlots.release();
                }
            }
        };
        boolean slot = refreshSlots.tryAcquire();
        try {
            if (!slot) {
                throw new RejectedExecutionException("no refresh slot");
            }
            refreshers.execute(submitted);
        } catch (RejectedExecutionException e) {
            if (slot) {
                refreshSlots.release(); // the executor is shutting down: the task will never run
            }
            record("busy", start);
            log.warn("Zoho token refresh of connection {} refused: {} refreshes are already waiting on this instance",
                    connectionId, refreshers.getQueue().size());
            throw ZohoProblems.unavailable("Too many Zoho token refreshes are waiting on this instance. Try again "
                    + "shortly.", BUSY_RETRY_AFTER);
        }
        try {
            return timeLimiter.executeFutureSupplier(() -> submitted);
        } catch (TimeoutException e) {
            record("timeout", start);
            safely(() -> store.recordOutcome(connectionId, "timeout"));
            events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.ZOHO_TOKEN_REFRESH, null,
                    "zoho-connection:" + connectionId, Map.of("connection_id", connectionId.toString(),
                            "reason", "timeout")));
            log.warn("Zoho token refresh of connection {} did not finish within {}", connectionId,
                    timeLimiter.getTimeLimiterConfig().getTimeoutDuration());
            throw ZohoProblems.unavailable("Zoho did not answer within "
                    + timeLimiter.getTimeLimiterConfig().getTimeoutDuration().toSeconds() + " s.",
                    UNAVAILABLE_RETRY_AFTER);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Zoho token refresh failed", e);
        }
    }

    /** Runs on a refresh thread. */
    private AccessToken refresh(UUID connectionId, Reason reason, String rejected) {
        runningRefreshes.incrementAndGet();
        try {
            TokenRow row = usableRow(connectionId);
            AccessToken stored = storedTokenIfGood(row, reason, rejected);
            if (stored != null) {
                return stored;
            }
            UUID owner = UUID.randomUUID();
            long giveUpAt = System.nanoTime() + leaseTtl.toNanos();
            while (true) {
                Optional<TokenRow> claimed = store.claimRefreshLease(connectionId, owner, leaseTtl);
                if (claimed.isPresent()) {
                    try {
                        // Another instance may have refreshed since the first read.
                        row = usable(claimed.get());
                        stored = storedTokenIfGood(row, reason, rejected);
                        return stored != null ? stored : refreshAtZoho(row);
                    } finally {
                        uninterrupted(() -> store.releaseRefreshLease(connectionId, owner));
                    }
                }
                // Another instance holds the lease: wait for its outcome (bounded by the time limit, which
                // interrupts this thread, and by the lease's own lifetime), then use its token or take the lease.
                if (System.nanoTime() - giveUpAt > 0) {
                    throw ZohoProblems.unavailable("Another instance is still refreshing this Zoho token.",
                            UNAVAILABLE_RETRY_AFTER);
                }
                pause();
                row = usableRow(connectionId);
                stored = storedTokenIfGood(row, reason, rejected);
                if (stored != null) {
                    return stored;
                }
            }
        } finally {
            runningRefreshes.decrementAndGet();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(LEASE_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZohoProblems.unavailable("Interrupted while waiting for Zoho.", UNAVAILABLE_RETRY_AFTER);
        }
    }

    /**
     * Database work that must happen even on a thread the time limit interrupted (giving the lease back): the
     * flag is cleared for it and restored afterwards.
     */
    private static void uninterrupted(Runnable work) {
        boolean interrupted = Thread.interrupted();
        try {
            work.run();
        } catch (RuntimeException e) {
            // The lease lapses on its own at refresh_lease_until.
            log.warn("Could not give back the Zoho refresh lease: {}", e.getClass().getSimpleName());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private TokenRow usableRow(UUID connectionId) {
        return usable(store.read(connectionId).orElseThrow(ZohoProblems::notConnected));
    }

    private TokenRow usable(TokenRow row) {
        UUID connectionId = row.id();
        if (row.status() == ZohoConnectionStatus.REAUTH_REQUIRED) {
            evict(connectionId);
            throw ZohoProblems.reauthRequired();
        }
        if (row.status() == ZohoConnectionStatus.REVOKED || row.refreshToken() == null) {
            evict(connectionId);
            throw ZohoProblems.revoked();
        }
        return row;
    }

    private AccessToken storedTokenIfGood(TokenRow row, Reason reason, String rejected) {
        boolean good = switch (reason) {
            case EXPIRY -> row.accessToken() != null && fresh(row.accessTokenExpiresAt());
            case REJECTED_TOKEN -> row.accessToken() != null && !row.accessToken().equals(rejected)
                    && fresh(row.accessTokenExpiresAt());
            case FORCED -> false;
        };
        if (!good) {
            return null;
        }
        AccessToken token = new AccessToken(row.id(), row.accessToken(), row.accessTokenExpiresAt(), row.apiDomain());
        cache.put(row.id(), token);
        return token;
    }

    private AccessToken refreshAtZoho(TokenRow row) {
        long start = System.nanoTime();
        CircuitBreaker circuit = circuitBreakers.circuitBreaker("zoho-" + row.dataCenter().location(), CIRCUIT_CONFIG);
        ZohoTokens tokens;
        try {
            tokens = retry.executeSupplier(() -> {
                // Counted before each request, retries included: Zoho counts every one.
                store.countTokenRequest(row.id(), properties.refreshLimit(), properties.refreshLimitWindow());
                return circuit.executeSupplier(() -> accounts.refresh(row.dataCenter(), row.refreshToken()));
            });
        } catch (RuntimeException e) {
            // A timed-out refresh is interrupted: clear the flag so that the database work below still happens,
            // then restore it.
            boolean interrupted = Thread.interrupted();
            try {
                throw failed(row, e, start, interrupted);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Instant expiresAt = store.saveRefreshed(row, tokens).orElseThrow(() -> {
            evict(row.id());
            return ZohoProblems.reauthRequired();
        });
        AccessToken token = new AccessToken(row.id(), tokens.accessToken(), expiresAt, row.apiDomain());
        cache.put(row.id(), token);
        record("success", start);
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.ZOHO_TOKEN_REFRESH, row.userId(),
                "zoho-connection:" + row.id(), Map.of("connection_id", row.id().toString(),
                        "data_center", row.dataCenter().location())));
        log.info("Refreshed the Zoho access token of connection {} ({})", row.id(), row.dataCenter().location());
        return token;
    }

    private RuntimeException failed(TokenRow row, RuntimeException e, long start, boolean interrupted) {
        if (interrupted) {
            // The time limit ran out; the waiting caller records and reports the timeout.
            return e;
        }
        UUID id = row.id();
        if (e instanceof LocalLimitExceededException limited) {
            throttleCounter("local").increment();
            outcome(row, "limited", start, null);
            log.warn("Zoho token refresh of connection {} refused locally: {} requests in {} already", id,
                    properties.refreshLimit(), properties.refreshLimitWindow());
            return ZohoProblems.refreshLimited(limited.retryAfter());
        }
        if (e instanceof CallNotPermittedException) {
            outcome(row, "circuit_open", start, null);
            CircuitBreaker circuit = circuitBreakers.circuitBreaker("zoho-" + row.dataCenter().location(),
                    CIRCUIT_CONFIG);
            Duration wait = Duration.ofMillis(
                    circuit.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
            return ZohoProblems.unavailable("Zoho's " + row.dataCenter().location()
                    + " data centre is failing; calls are paused.", wait);
        }
        if (!(e instanceof ZohoAccountsException zoho)) {
            return e;
        }
        if (zoho.kind() == Kind.REJECTED && "invalid_code".equals(zoho.zohoError())) {
            evict(id);
            record("invalid_code", start);
            boolean moved = store.markReauthRequired(id, "invalid_code");
            if (moved) {
                events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.ZOHO_REAUTH_REQUIRED, row.userId(),
                        "zoho-connection:" + id, Map.of("connection_id", id.toString(), "reason", "invalid_code",
                                "data_center", row.dataCenter().location())));
            }
            log.warn("Zoho refused the refresh token of connection {} (invalid_code): re-authentication required",
                    id);
            return ZohoProblems.reauthRequired();
        }
        if (zoho.kind() == Kind.REJECTED) {
            String error = Objects.requireNonNullElse(zoho.zohoError(), "rejected");
            outcome(row, "rejected", start, error);
            log.error("Zoho refused the token refresh of connection {} ({}): check the Zoho client settings", id,
                    error);
            return ZohoProblems.refused();
        }
        if (zoho.kind() == Kind.THROTTLED) {
            throttleCounter("zoho").increment();
            outcome(row, "throttled", start, null);
            log.warn("Zoho throttled the token refresh of connection {}: not retrying", id);
            return ZohoProblems.unavailable("Zoho is throttling token requests for this connection.",
                    properties.refreshLimitWindow());
        }
        outcome(row, "unavailable", start, null);
        log.warn("Zoho token refresh of connection {} failed after retries: {}", id, zoho.getMessage());
        return ZohoProblems.unavailable("Zoho did not answer usefully. Try again shortly.", UNAVAILABLE_RETRY_AFTER);
    }

    private void outcome(TokenRow row, String outcome, long start, String storedOutcome) {
        record(outcome, start);
        safely(() -> store.recordOutcome(row.id(), storedOutcome == null ? outcome : storedOutcome));
        events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.ZOHO_TOKEN_REFRESH, row.userId(),
                "zoho-connection:" + row.id(), Map.of("connection_id", row.id().toString(), "reason", outcome)));
    }

    private void record(String outcome, long start) {
        refreshCounter(outcome).increment();
        refreshTimer(outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private Counter refreshCounter(String outcome) {
        return Counter.builder(REFRESHES).tag("outcome", outcome)
                .description("Zoho access-token refreshes by outcome").register(meters);
    }

    private Timer refreshTimer(String outcome) {
        return Timer.builder(REFRESH_LATENCY).tag("outcome", outcome)
                .description("Zoho access-token refresh latency, retries included").register(meters);
    }

    private Counter throttleCounter(String source) {
        return Counter.builder(THROTTLED).tag("source", source)
                .description("Zoho token requests throttled by Zoho or refused by the local limit").register(meters);
    }

    private static void safely(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            log.warn("Could not record a Zoho refresh outcome: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        refreshers.shutdownNow();
    }
}
