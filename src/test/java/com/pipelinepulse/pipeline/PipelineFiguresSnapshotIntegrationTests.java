package com.pipelinepulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.pipeline.FigureViews.Summary;
import com.pipelinepulse.pipeline.sync.DealIngestion;
import com.pipelinepulse.pipeline.sync.DealWriter;
import com.pipelinepulse.testsupport.IntegrationTest;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The currency a figure is labelled with and the amounts it sums come from one snapshot, even when a sync commits
 * a new conversion basis while the figures are read. The sync's commit is made to land deterministically between
 * two statements of the read: a connection wrapper runs it just before the figures' own statement is prepared.
 */
@IntegrationTest
class PipelineFiguresSnapshotIntegrationTests {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    HealthEvaluator evaluator;
    @Autowired
    Clock clock;
    @Autowired
    DealIngestion ingestion;
    @Autowired
    DealWriter writer;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    ObjectMapper json;

    String basisBefore;

    @BeforeEach
    void oneDealInSgd() throws Exception {
        basisBefore = jdbc.sql("select cast(conversion_basis as text) from pipeline_sync_state where id = 1")
                .query(String.class).optional().orElse(null);
        jdbc.sql("update pipeline_sync_state set conversion_basis = null where id = 1").update();
        jdbc.sql("delete from pipeline_deal").update();
        jdbc.sql("delete from pipeline_currency_snapshot").update();
        ingestion.storeCurrencies("USD", Map.of("SGD", new BigDecimal("1.34")));
        ingestion.store(List.of(json.readTree("""
                {"id":"9701","Deal_Name":"Snapshot","Amount":1000,"Currency":"USD","Stage":"Qualification",
                 "Probability":50,"Closing_Date":"2030-01-31","Owner":{"id":"7","name":"Ann","email":"ann@example.com"},
                 "Region":"EMEA","Modified_Time":"2026-11-01T10:00:00+00:00"}""")));
    }

    @AfterEach
    void removeDeals() {
        jdbc.sql("delete from pipeline_deal").update();
        jdbc.sql("delete from pipeline_currency_snapshot").update();
        jdbc.sql("update pipeline_sync_state set conversion_basis = cast(:basis as jsonb) where id = 1")
                .param("basis", basisBefore).update();
    }

    @Test
    void aSyncCommittingANewBasisWhileTheSummaryIsReadNeverGetsItsAmountsUnderTheOldCurrency() {
        AtomicBoolean committed = new AtomicBoolean();
        // What a sync does when Zoho's currencies no longer list SGD: a new snapshot, and every stored deal
        // re-converted to the home currency (USD), in one transaction.
        DataSource racing = beforeStatement("group by d.status", () -> {
            transactions.executeWithoutResult(tx -> {
                ingestion.storeCurrencies("USD", Map.of("INR", new BigDecimal("83.2")));
                writer.reconvert(ingestion.currentConversion());
            });
            committed.set(true);
        });
        PipelineFigures figures = new PipelineFigures(JdbcClient.create(racing), racing, evaluator, clock, "SGD");

        Summary during = figures.summary(ReadScope.EVERY_REGION, DealFilters.NONE);

        assertThat(committed).isTrue();
        // Label and amounts of before the sync's commit: 1,000 USD x 1.34 = 1,340.00 SGD.
        assertThat(during.currency()).isEqualTo("SGD");
        assertThat(during.open().amount()).isEqualByComparingTo("1340.00");
        // The next read has the sync's figures under its label (not the figures cached before its commit).
        Summary after = figures.summary(ReadScope.EVERY_REGION, DealFilters.NONE);
        assertThat(after.currency()).isEqualTo("USD");
        assertThat(after.open().amount()).isEqualByComparingTo("1000.00");
        assertThat(after.open().weightedAmount()).isEqualByComparingTo("500.00");
    }

    /** {@link #dataSource}, running {@code action} once just before a statement containing {@code marker}. */
    private DataSource beforeStatement(String marker, Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        Before hook = (method, args) -> {
            if (method.getName().equals("prepareStatement") && args[0] instanceof String sql && sql.contains(marker)
                    && ran.compareAndSet(false, true)) {
                action.run();
            }
        };
        return proxy(DataSource.class, dataSource, (method, args, result) -> result instanceof Connection connection
                ? proxy(Connection.class, connection, null, hook) : result, null);
    }

    private interface After {
        Object apply(Method method, Object[] args, Object result);
    }

    private interface Before {
        void accept(Method method, Object[] args);
    }

    /** A proxy of {@code target}: {@code before} each call (connections), {@code after} each (data source). */
    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target, After after, Before before) {
        InvocationHandler handler = (self, method, args) -> {
            if (method.getName().equals("equals") && args != null && args.length == 1) {
                return self == args[0];
            }
            if (before != null) {
                before.accept(method, args);
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after == null ? result : after.apply(method, args, result);
        };
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
    }
}
