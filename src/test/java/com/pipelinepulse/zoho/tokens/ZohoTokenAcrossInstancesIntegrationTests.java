package com.pipelinepulse.zoho.tokens;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.SecondInstance;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import com.pipelinepulse.testsupport.ZohoStandIn;
import com.pipelinepulse.web.ApiProblemException;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Two instances on one database, as behind a load balancer: the shared stand-in test context (instance A) and a
 * second application started here (instance B). Both get the same key rings (B is given A's JWT and encryption
 * key rings explicitly, so that each decrypts the tokens the other stored) and the same stand-in. 100 callers on
 * each, all holding an expired token, must cause exactly one refresh request at the stand-in.
 *
 * <p>Instance B also has a small database pool (4) and refresh queue (6): refreshes of many connections at once
 * must neither take its whole pool nor fail for want of a connection, and a refresh beyond the queue is refused.
 */
@ZohoIntegrationTest
class ZohoTokenAcrossInstancesIntegrationTests {

    private static ConfigurableApplicationContext instanceB;

    @Autowired
    ZohoTokenManager tokensA;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenCipher cipher;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;
    @Autowired
    MockMvc mvc;

    @BeforeAll
    static void startSecondInstance(@Autowired Secrets secrets) {
        // The shared second instance: a refresh queue of 6 and a production-like budget (SecondInstance.SHARED_SETTINGS).
        instanceB = SecondInstance.shared(secrets);
    }

    private final WireMockServer standIn = ZohoStandIn.server();
    private final List<StubMapping> stubs = new ArrayList<>();

    @AfterEach
    void removeStubs() {
        stubs.forEach(standIn::removeStub);
    }

    @Test
    void twoInstancesWithAHundredCallersEachCauseOneRefresh() throws Exception {
        WireMockServer standIn = ZohoStandIn.server();
        ZohoTokenManager tokensB = instanceB.getBean(ZohoTokenManager.class);
        assertThat(tokensB).isNotSameAs(tokensA);
        String refresh = ZohoConnectionRows.usAdminToken();
        UUID user = new TestSessions(users, opener, jdbc, mvc).user(Role.VIEWER).id();
        UUID connection = new ZohoConnectionRows(jdbc, cipher).insertExpired(user, refresh);

        ExecutorService pool = Executors.newFixedThreadPool(200);
        Set<String> served = ConcurrentHashMap.newKeySet();
        try {
            CountDownLatch ready = new CountDownLatch(200);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ZohoTokenManager instance = i % 2 == 0 ? tokensA : tokensB;
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return instance.accessToken(connection).value();
                }));
            }
            ready.await();
            go.countDown();
            for (Future<String> result : results) {
                served.add(result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(served).hasSize(1);
        standIn.verify(1, ZohoTokenManagerIntegrationTests.refreshRequests(refresh));
    }

    @Test
    void twiceAsManyRefreshesAsPooledConnectionsLeaveThePoolServingOtherQueries() throws Exception {
        ZohoTokenManager tokensB = instanceB.getBean(ZohoTokenManager.class);
        DataSource dataSourceB = instanceB.getBean(DataSource.class);
        int poolSize = dataSourceB.unwrap(HikariDataSource.class).getMaximumPoolSize();
        assertThat(poolSize).isEqualTo(4);
        assertThat(tokensB.refreshThreads()).isEqualTo(poolSize / 2);
        JdbcClient jdbcB = JdbcClient.create(dataSourceB);
        // 2N distinct expired connections; the stand-in answers each refresh after a delay, so that many are in
        // flight (and queued) at once.
        Map<UUID, String> minted = new ConcurrentHashMap<>();
        List<UUID> connections = new ArrayList<>();
        for (int i = 0; i < 2 * poolSize; i++) {
            String refresh = ZohoConnectionRows.usAdminToken();
            UUID connection = expiredConnection(refresh);
            String access = ZohoConnectionRows.usAdminToken();
            stubs.add(standIn.stubFor(post(urlEqualTo("/us/oauth/v2/token")).atPriority(1)
                    .withRequestBody(containing("refresh_token=" + refresh))
                    .willReturn(ZohoTokenManagerIntegrationTests.tokenAnswer(access).withFixedDelay(600))));
            minted.put(connection, access);
            connections.add(connection);
        }

        ExecutorService callers = Executors.newFixedThreadPool(connections.size());
        int queriesWhileRefreshing = 0;
        try {
            List<Future<String>> results = new ArrayList<>();
            for (UUID connection : connections) {
                results.add(callers.submit(() -> tokensB.accessToken(connection).value()));
            }
            // Unrelated work on B's pool keeps being served while the refreshes are in flight.
            while (!results.stream().allMatch(Future::isDone)) {
                boolean refreshing = tokensB.runningRefreshes() > 0;
                assertThat(jdbcB.sql("select 1").query(Integer.class).single()).isEqualTo(1);
                if (refreshing) {
                    queriesWhileRefreshing++;
                }
            }
            // Every refresh succeeded (none failed for want of a pooled connection) with its own new token.
            for (int i = 0; i < connections.size(); i++) {
                assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(minted.get(connections.get(i)));
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(queriesWhileRefreshing).isPositive();
        assertThat(jdbc.sql("""
                select count(*) from zoho_connection where id = any(?) and last_refresh_outcome = 'success'
                    and refresh_lease_owner is null""")
                .param(connections.toArray(UUID[]::new)).query(Long.class).single()).isEqualTo(connections.size());
    }

    @Test
    void aRefreshBeyondTheQueueIsRefusedAtOnceAndTheOthersStillSucceed() throws Exception {
        ZohoTokenManager tokensB = instanceB.getBean(ZohoTokenManager.class);
        int capacity = tokensB.refreshThreads() + 6;
        List<UUID> connections = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            connections.add(expiredConnection(ZohoConnectionRows.usAdminToken()));
        }
        String oneTooManyRefresh = ZohoConnectionRows.usAdminToken();
        UUID oneTooMany = expiredConnection(oneTooManyRefresh);

        ExecutorService callers = Executors.newFixedThreadPool(capacity);
        AtomicInteger served = new AtomicInteger();
        // Holding the rows' locks (on A's pool) keeps B's refresh threads at their lease claim: both threads busy,
        // the queue full, without depending on how fast anything runs.
        try (Connection holder = instanceADataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "select id from zoho_connection where id = any(?) for update")) {
                lock.setArray(1, holder.createArrayOf("uuid", connections.toArray()));
                lock.execute();
            }
            List<Future<String>> results = new ArrayList<>();
            try {
                for (UUID connection : connections) {
                    results.add(callers.submit(() -> tokensB.accessToken(connection).value()));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> tokensB.runningRefreshes()
                        == tokensB.refreshThreads() && tokensB.queuedRefreshes() == 6);

                assertThatThrownBy(() -> tokensB.accessToken(oneTooMany)).isInstanceOfSatisfying(
                        ApiProblemException.class, problem -> {
                            assertThat(problem.status()).isEqualTo(503);
                            assertThat(problem.slug()).isEqualTo("zoho-unavailable");
                            assertThat(problem.headers().getFirst("Retry-After")).isEqualTo("5");
                        });
            } finally {
                holder.rollback();
            }
            for (Future<String> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isNotNull();
                served.incrementAndGet();
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(served).hasValue(capacity);
        standIn.verify(0, ZohoTokenManagerIntegrationTests.refreshRequests(oneTooManyRefresh));
        // Refused before anything was read or written: the connection is untouched and can refresh later.
        assertThat(tokensB.accessToken(oneTooMany).value()).isNotNull();
    }

    @Autowired
    DataSource instanceADataSource;

    private UUID expiredConnection(String refreshToken) {
        UUID user = new TestSessions(users, opener, jdbc, mvc).user(Role.VIEWER).id();
        return new ZohoConnectionRows(jdbc, cipher).insertExpired(user, refreshToken);
    }
}
