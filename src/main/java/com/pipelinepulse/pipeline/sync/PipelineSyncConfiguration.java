package com.pipelinepulse.pipeline.sync;

import com.pipelinepulse.identity.RegionMapper;
import com.pipelinepulse.zoho.ZohoCrmClient;
import io.github.resilience4j.retry.RetryRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(PipelineSyncProperties.class)
class PipelineSyncConfiguration {

    /** The Resilience4j retry of CRM calls (application.yml): 5xx and timeouts only. */
    static final String CRM_RETRY = "zoho-crm";
    /** How often an instance checks whether the scheduled run is due (at most). */
    static final Duration MAX_TICK = Duration.ofMinutes(1);

    @Bean
    DealDerivation dealDerivation(PipelineSyncProperties properties, RegionMapper regions) {
        return new DealDerivation(properties, regions);
    }

    /** ShedLock on its standard table, with the database's clock (instances' clocks may differ). */
    @Bean
    LockProvider pipelineSyncLockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
    }

    @Bean
    SyncRunner syncRunner(ZohoCrmClient crm, DealDerivation derivation, DealWriter writer,
            CurrencySnapshots snapshots, SyncState state, SyncRunLog runLog, RegionMapper regions,
            PipelineSyncProperties properties, TransactionTemplate transactions, RetryRegistry retries) {
        return new SyncRunner(crm, derivation, writer, snapshots, state, runLog, regions, properties, transactions,
                retries.retry(CRM_RETRY), Clock.systemUTC());
    }

    @Bean
    PipelineSync pipelineSync(SyncRunner runner, SyncRunLog runLog, SyncState state,
            LockProvider pipelineSyncLockProvider, PipelineSyncProperties properties, PipelineSyncMetrics metrics) {
        return new PipelineSync(runner, runLog, state, pipelineSyncLockProvider, properties, metrics,
                Clock.systemUTC(), instanceName());
    }

    /** The scheduled incremental run: each instance checks every interval (at most a minute); one runs it. */
    @Bean
    SchedulingConfigurer pipelineSyncSchedule(PipelineSync sync, PipelineSyncProperties properties) {
        return (ScheduledTaskRegistrar registrar) -> {
            if (properties.scheduled()) {
                Duration tick = properties.syncInterval().compareTo(MAX_TICK) < 0 ? properties.syncInterval()
                        : MAX_TICK;
                registrar.addFixedDelayTask(sync::startScheduledIfDue, tick);
            }
        };
    }

    private static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getName();
    }
}
