package com.pipelinepulse.pipeline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.testsupport.SecondInstance;
import com.pipelinepulse.testsupport.TestSessions;
import com.pipelinepulse.testsupport.ZohoCrmPipeline.Fault;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import com.pipelinepulse.web.ApiProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/** Two application instances on one database, as behind a load balancer: one sync runs, whoever is asked. */
@ZohoIntegrationTest
class PipelineSyncAcrossInstancesIntegrationTests {

    static ConfigurableApplicationContext instanceB;

    @Autowired
    PipelineSync syncA;
    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenCipher cipher;
    @Autowired
    UserDirectory users;
    @Autowired
    SessionOpener opener;

    SyncFixture fixture;

    @BeforeAll
    static void startSecondInstance(@Autowired Secrets secrets) {
        instanceB = SecondInstance.shared(secrets);
    }

    @BeforeEach
    void setUp() {
        fixture = new SyncFixture(jdbc, cipher, new TestSessions(users, opener, jdbc, mvc));
        fixture.clean();
        fixture.syncAccount();
    }

    @Test
    void twoInstancesAskedToSyncAtOnceRunItOnce() throws Exception {
        fixture.crm.generate(700, 13L);
        // The first page answers late, so that the run is surely still going when the other instance asks.
        fixture.crm.failDealsPage(1, Fault.delay(1500));
        PipelineSync syncB = instanceB.getBean(PipelineSync.class);
        assertThat(syncB).isNotSameAs(syncA);
        UUID admin = fixture.connectedAdmin().id();
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        List<Future<UUID>> asked = new ArrayList<>();
        try {
            for (PipelineSync instance : List.of(syncA, syncB)) {
                Callable<UUID> ask = () -> {
                    together.await();
                    try {
                        return instance.startManual(SyncMode.INCREMENTAL, admin);
                    } catch (ApiProblemException e) {
                        assertThat(e.slug()).isEqualTo("sync-running");
                        return null;
                    }
                };
                asked.add(callers.submit(ask));
            }
            List<UUID> started = new ArrayList<>();
            for (Future<UUID> answer : asked) {
                UUID runId = answer.get();
                if (runId != null) {
                    started.add(runId);
                }
            }

            assertThat(started).hasSize(1);
            assertThat(fixture.awaitRun(started.get(0)).get("outcome")).isEqualTo("succeeded");
        } finally {
            callers.shutdownNow();
        }
        assertThat(jdbc.sql("select count(*) from pipeline_sync_run").query(Integer.class).single()).isEqualTo(1);
        assertThat(fixture.crm.callsTo("Deals")).isEqualTo(4);
        assertThat(fixture.rows()).isEqualTo(700);
        assertThat(fixture.liveIds()).hasSize(700);
    }
}
