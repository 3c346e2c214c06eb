package com.pipelinepulse.pipeline.sync;

import com.pipelinepulse.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code pipelinepulse.pipeline.sync.*} (docs/observability.md): runs by outcome and mode, their duration, deals
 * fetched, Zoho calls made; and two gauges for the staleness alert, read from the database so that every instance
 * reports the same: when a run last succeeded anywhere, and the configured interval.
 */
@Component
class PipelineSyncMetrics {

    private final MeterRegistry meters;
    private final JdbcClient jdbc;
    private final Counter fetched;
    private final Counter zohoCalls;

    PipelineSyncMetrics(MeterRegistry meters, JdbcClient jdbc, PipelineSyncProperties properties) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.fetched = Counter.builder(MetricNames.PIPELINE_SYNC_DEALS_FETCHED)
                .description("Deal records received from Zoho CRM by sync runs").register(meters);
        this.zohoCalls = Counter.builder(MetricNames.PIPELINE_SYNC_ZOHO_CALLS)
                .description("Zoho CRM calls (API credits) made by sync runs").register(meters);
        for (SyncOutcome outcome : SyncOutcome.values()) {
            if (outcome != SyncOutcome.RUNNING && outcome != SyncOutcome.ABANDONED) {
                for (SyncMode mode : SyncMode.values()) {
                    runs(outcome, mode);
                }
                duration(outcome);
            }
        }
        Gauge.builder(MetricNames.PIPELINE_SYNC_LAST_SUCCESS, this, PipelineSyncMetrics::lastSuccessEpochSeconds)
                .description("When a sync run last succeeded on any instance (Unix seconds; 0 = never)")
                .baseUnit("seconds")
                .register(meters);
        double interval = properties.scheduled() ? properties.syncInterval().toSeconds() : 0;
        Gauge.builder(MetricNames.PIPELINE_SYNC_INTERVAL, () -> interval)
                .description("pipelinepulse.pipeline.sync-interval in seconds (0 = scheduled runs off)")
                .baseUnit("seconds")
                .register(meters);
    }

    void ended(SyncMode mode, SyncRunner.Result result, Duration took) {
        runs(result.outcome(), mode).increment();
        duration(result.outcome()).record(took.toNanos(), TimeUnit.NANOSECONDS);
        fetched.increment(result.counters().fetched);
        zohoCalls.increment(result.counters().zohoCalls);
    }

    private Timer duration(SyncOutcome outcome) {
        return Timer.builder(MetricNames.PIPELINE_SYNC_DURATION).tag("outcome", outcome.id())
                .description("Sync run duration").register(meters);
    }

    private Counter runs(SyncOutcome outcome, SyncMode mode) {
        return Counter.builder(MetricNames.PIPELINE_SYNC_RUNS).tag("outcome", outcome.id()).tag("mode", mode.id())
                .description("Pipeline sync runs by outcome").register(meters);
    }

    private double lastSuccessEpochSeconds() {
        try {
            Double seconds = jdbc.sql("select extract(epoch from max(finished_at))::float8 from pipeline_sync_run "
                    + "where outcome = 'succeeded'").query(Double.class).single();
            return seconds == null ? 0 : seconds;
        } catch (DataAccessException e) {
            return Double.NaN;
        }
    }
}
