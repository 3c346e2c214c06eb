package com.pipelinepulse.zoho.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
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
import org.junit.jupiter.api.AfterAll;
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
        instanceB = SecondInstance.startLike(secrets, Map.of());
    }

    @AfterAll
    static void stopSecondInstance() {
        if (instanceB != null) {
            instanceB.close();
        }
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
}
