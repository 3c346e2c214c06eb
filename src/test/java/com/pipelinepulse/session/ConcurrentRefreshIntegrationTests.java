package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Many people refreshing at the same moment, more than the database pool has connections: every refresh must
 * succeed. Each refresh holds one connection (and its session row lock) and writes its audit row and failure
 * counter on that same connection; when those writes each took a second connection, a burst of refreshes took
 * every connection and waited for a second one until the pool timed out.
 */
@IntegrationTest
class ConcurrentRefreshIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserDirectory users;

    @Autowired
    SessionOpener opener;

    @Autowired
    JdbcClient jdbc;

    @Value("${pipelinepulse.database.pool-size}")
    int poolSize;

    @Test
    void aBurstOfRefreshesLargerThanThePoolAllSucceed() throws Exception {
        TestSessions sessions = new TestSessions(users, opener, jdbc, mvc);
        int people = poolSize * 3;
        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            cookies.add(sessions.open(sessions.user(Role.VIEWER)).refreshToken());
        }

        ExecutorService pool = Executors.newFixedThreadPool(people);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (String cookie : cookies) {
                results.add(pool.submit(() -> {
                    start.await();
                    return mvc.perform(TestSessions.refresh(cookie)).andReturn().getResponse().getStatus();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(statuses).hasSize(people).containsOnly(200);
        } finally {
            pool.shutdownNow();
        }
    }
}
