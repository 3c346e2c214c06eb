package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.pipelinepulse.audit.AuditRequest;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of refreshes ({@link RefreshBatches}, {@code refresh_session_batch}, V54): refreshes that arrive while
 * one is being written go to PostgreSQL together, in one transaction, and each is decided exactly as it would be alone.
 * Which transaction wrote a row is read from its {@code xmin}. The rules of a refresh themselves (grace window, reuse,
 * revocation) are {@link SessionFlowIntegrationTests}' and {@link ConcurrentRefreshIntegrationTests}'.
 */
@IntegrationTest
class RefreshBatchesIntegrationTests {

    private static final AuditRequest AUDIT = new AuditRequest("203.0.113.9", "batch-test", "req-batch");

    @Autowired
    MockMvc mvc;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SessionStore store;
    @Autowired
    SessionProperties properties;
    @Autowired
    TransactionTemplate transactions;

    TestSessions sessions;
    ExecutorService threads;

    @BeforeEach
    void setUp() {
        sessions = new TestSessions(users, opener, jdbc, mvc);
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    @Test
    void refreshesThatArriveWhileOneIsWrittenAreWrittenTogetherInOneTransaction() throws Exception {
        SignedIn blocked = open();
        List<SignedIn> waiting = List.of(open(), open(), open(), open(), open());
        List<SessionStore.Refresh> refreshes = waiting.stream().map(s -> refresh(s.refreshToken())).toList();

        Queued queued = queuedBehindOneWrite(batches(1), blocked, refreshes);

        for (int i = 0; i < waiting.size(); i++) {
            assertThat(queued.results().get(i).get(30, TimeUnit.SECONDS)).as("refresh %d", i).get()
                    .satisfies(r -> assertThat(r.audited()).isTrue())
                    .extracting(SessionStore.Rotated::sessionId).isEqualTo(waiting.get(i).sessionId());
        }
        List<Long> writers = refreshes.stream().map(r -> writer(r.nextHash())).toList();
        assertThat(writers).as("the five queued refreshes: one transaction").containsOnly(writers.get(0));
        assertThat(writer(queued.first().nextHash())).as("the first, alone").isNotEqualTo(writers.get(0));
        for (SessionStore.Refresh r : refreshes) {
            assertThat(rotated(r.presentedHash())).as("presented token rotated").isTrue();
        }
        assertThat(rotated(queued.first().presentedHash())).isTrue();
        assertThat(successAudits(waiting)).as("one audit row each").isEqualTo(waiting.size());
    }

    @Test
    void whenABatchFailsEachRefreshRunsAgainAloneAndOnlyTheFaultyOneFails() throws Exception {
        SignedIn blocked = open();
        List<SignedIn> waiting = List.of(open(), open(), open(), open());
        List<SessionStore.Refresh> refreshes = new ArrayList<>();
        for (SignedIn s : waiting) {
            refreshes.add(refresh(s.refreshToken()));
        }
        // Its next token's hash is one the table already holds (the blocked session's): its insert violates the key.
        SessionStore.Refresh faulty = refreshes.get(2);
        refreshes.set(2, new SessionStore.Refresh(faulty.presentedHash(),
                RefreshTokenRotation.hash(blocked.refreshToken()), faulty.now(), faulty.audit()));

        Queued queued = queuedBehindOneWrite(batches(1), blocked, refreshes);

        List<Long> writers = new ArrayList<>();
        for (int i = 0; i < waiting.size(); i++) {
            Future<Optional<SessionStore.Rotated>> result = queued.results().get(i);
            if (i == 2) {
                assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(DataIntegrityViolationException.class);
                assertThat(rotated(refreshes.get(i).presentedHash())).as("nothing of it written").isFalse();
                continue;
            }
            assertThat(result.get(30, TimeUnit.SECONDS)).as("refresh %d", i).get()
                    .extracting(SessionStore.Rotated::sessionId).isEqualTo(waiting.get(i).sessionId());
            assertThat(rotated(refreshes.get(i).presentedHash())).isTrue();
            writers.add(writer(refreshes.get(i).nextHash()));
        }
        assertThat(writers).as("each in a transaction of its own").doesNotHaveDuplicates();
    }

    /**
     * Inside one batch each item sees what the ones before it wrote, as one refresh after the other would: the same
     * token a second time is the grace window's one extra use, a third time is refused, and a refused item writes
     * nothing while its neighbours rotate.
     */
    @Test
    void eachItemOfABatchIsDecidedAsIfTheyRanOneAfterTheOther() {
        SignedIn twice = open();
        SignedIn other = open();
        SessionStore.Refresh a1 = refresh(twice.refreshToken());
        SessionStore.Refresh a2 = refresh(twice.refreshToken());
        SessionStore.Refresh a3 = refresh(twice.refreshToken());
        SessionStore.Refresh unknown = refresh("x".repeat(43));
        SessionStore.Refresh b = refresh(other.refreshToken());

        List<Optional<SessionStore.Rotated>> results = store.refreshInOneStatement(List.of(a1, a2, a3, unknown, b),
                properties.idleTimeout(), properties.refreshGraceWindow());

        assertThat(results).hasSize(5);
        assertThat(results.get(0)).get().extracting(SessionStore.Rotated::sessionId).isEqualTo(twice.sessionId());
        assertThat(results.get(1)).as("second presentation: the grace window").get()
                .extracting(SessionStore.Rotated::sessionId).isEqualTo(twice.sessionId());
        assertThat(results.get(2)).as("third presentation: not simply rotated").isEmpty();
        assertThat(results.get(3)).as("unknown token").isEmpty();
        assertThat(results.get(4)).get().extracting(SessionStore.Rotated::sessionId).isEqualTo(other.sessionId());
        assertThat(exists(a1.nextHash())).isTrue();
        assertThat(exists(a2.nextHash())).isTrue();
        assertThat(exists(a3.nextHash())).as("the refused item wrote no token").isFalse();
        assertThat(exists(unknown.nextHash())).isFalse();
        assertThat(successAudits(List.of(twice))).as("two successes audited, the refusal not here").isEqualTo(2);
        assertThat(writer(a1.nextHash())).isEqualTo(writer(b.nextHash()));
        assertThat(jdbc.sql("select revoked_at is null from user_session where id = :id")
                .param("id", twice.sessionId()).query(Boolean.class).single())
                .as("the batch leaves reuse to the application; it revokes nothing").isTrue();
    }

    /** The refresh written alone first, and what each queued refresh's caller got, in order. */
    private record Queued(SessionStore.Refresh first, List<Future<Optional<SessionStore.Rotated>>> results) {
    }

    /**
     * Takes the only slot with a refresh of {@code blocked} that waits for that session's lock (held here), queues
     * {@code refreshes} behind it, each on its own thread, and lets the first one go once all of them wait.
     */
    private Queued queuedBehindOneWrite(RefreshBatches batches, SignedIn blocked, List<SessionStore.Refresh> refreshes)
            throws Exception {
        SessionStore.Refresh first = refresh(blocked.refreshToken());
        List<Future<Optional<SessionStore.Rotated>>> results = new ArrayList<>();
        try (HeldLock lock = new HeldLock(blocked.sessionId())) {
            Future<Optional<SessionStore.Rotated>> firstResult = threads.submit(() -> batches.refresh(first));
            await().atMost(Duration.ofSeconds(30)).until(() -> lock.waiters() == 1);
            for (SessionStore.Refresh r : refreshes) {
                results.add(threads.submit(() -> batches.refresh(r)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> batches.queued() == refreshes.size());
            lock.release();
            assertThat(firstResult.get(30, TimeUnit.SECONDS)).as("the first, written alone").isPresent();
        }
        return new Queued(first, results);
    }

    private RefreshBatches batches(int concurrency) {
        SessionProperties p = properties;
        return new RefreshBatches(store, new SessionProperties(p.accessTokenLifetime(), p.idleTimeout(),
                p.absoluteLifetime(), p.refreshGraceWindow(), p.clockSkew(), p.audience(), p.verifiedTokenCacheSize(),
                16, concurrency));
    }

    private SignedIn open() {
        return sessions.open(sessions.user(Role.VIEWER));
    }

    private static SessionStore.Refresh refresh(String presented) {
        return new SessionStore.Refresh(RefreshTokenRotation.hash(presented),
                RefreshTokenRotation.hash(UUID.randomUUID().toString()), Instant.now().truncatedTo(ChronoUnit.MICROS),
                AUDIT);
    }

    /** The transaction that inserted the token row. */
    private long writer(byte[] tokenHash) {
        return jdbc.sql("select xmin::text::bigint from refresh_token where token_hash = :h").param("h", tokenHash)
                .query(Long.class).single();
    }

    private boolean rotated(byte[] tokenHash) {
        return jdbc.sql("select rotated_at is not null from refresh_token where token_hash = :h")
                .param("h", tokenHash).query(Boolean.class).single();
    }

    private boolean exists(byte[] tokenHash) {
        return jdbc.sql("select count(*) from refresh_token where token_hash = :h").param("h", tokenHash)
                .query(Long.class).single() > 0;
    }

    private long successAudits(List<SignedIn> signedIn) {
        return jdbc.sql("""
                select count(*) from security_audit_event
                 where type = 'refresh' and outcome = 'success' and request_id = 'req-batch'
                   and details->>'session_id' in (:sids)""")
                .param("sids", signedIn.stream().map(s -> s.sessionId().toString()).toList())
                .query(Long.class).single();
    }

    /** A session's row lock, held by another connection's transaction until released. */
    private final class HeldLock implements AutoCloseable {
        private final CountDownLatch released = new CountDownLatch(1);
        private final Future<?> holder;
        private final int holderPid;

        HeldLock(UUID sessionId) throws Exception {
            CountDownLatch locked = new CountDownLatch(1);
            int[] pid = new int[1];
            holder = threads.submit(() -> transactions.execute(status -> {
                pid[0] = jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
                jdbc.sql("select 1 from user_session where id = :id for update").param("id", sessionId)
                        .query(Integer.class).single();
                locked.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
            holderPid = pid[0];
        }

        /** Backends waiting for a lock this transaction holds. */
        int waiters() {
            return jdbc.sql("select count(*) from pg_stat_activity where :pid = any (pg_blocking_pids(pid))")
                    .param("pid", holderPid).query(Integer.class).single();
        }

        void release() throws Exception {
            released.countDown();
            holder.get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            release();
        }
    }
}
