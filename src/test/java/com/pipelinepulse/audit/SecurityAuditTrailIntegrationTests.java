package com.pipelinepulse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pipelinepulse.observability.ClientAddress;
import com.pipelinepulse.observability.RequestIdFilter;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestDatabase;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Events become audit rows with the right fields; the table refuses every change but the retention purge. The
 * application's pool is the service role of a deployment (TestDatabase): it may insert and read, nothing else.
 */
@IntegrationTest
class SecurityAuditTrailIntegrationTests {

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @AfterEach
    void clearRequest() {
        RequestContextHolder.resetRequestAttributes();
    }

    @Test
    void everyEventTypeIsWrittenOnceWithTheRequestFacts() {
        UUID user = UUID.randomUUID();
        inRequest("203.0.113.7", "Mozilla/5.0 " + "x".repeat(400), "audit-req-0001");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (String type : SecurityEventMetrics.KNOWN_TYPES) {
            events.publishEvent(SecurityEvent.failure(type, user, "alice.smith@example.com",
                    Map.of("reason", "test_" + type, "by_admin", "root@example.org")));
        }

        List<Map<String, Object>> rows = jdbc.sql("""
                select type, outcome, user_id, subject, client_ip, user_agent, request_id, occurred_at,
                       details->>'reason' as reason, details->>'by_admin' as by_admin
                from security_audit_event where user_id = :user order by id""").param("user", user).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("type")).containsExactlyElementsOf(SecurityEventMetrics.KNOWN_TYPES);
        assertThat(SecurityEventMetrics.KNOWN_TYPES).contains("sign_in", "refresh", "refresh_reuse", "logout",
                "session_revoked", "role_changed", "region_changed", "rate_limited", "lockout",
                "zoho_reauth_required", "secrets_fallback");
        for (Map<String, Object> row : rows) {
            assertThat(row).containsEntry("outcome", "failure").containsEntry("user_id", user)
                    .containsEntry("subject", "a***@example.com").containsEntry("client_ip", "203.0.113.7")
                    .containsEntry("request_id", "audit-req-0001").containsEntry("reason", "test_" + row.get("type"))
                    .containsEntry("by_admin", "r***@example.org");
            assertThat((String) row.get("user_agent")).startsWith("Mozilla/5.0 xxx").hasSize(256);
            assertThat(((java.sql.Timestamp) row.get("occurred_at")).toInstant()).isAfterOrEqualTo(before);
        }
    }

    @Test
    void outsideARequestTheRequestFactsAreEmpty() {
        UUID user = UUID.randomUUID();
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.ROLE_CHANGED, user, "job:nightly",
                Map.of("old_role", "viewer", "new_role", "manager", "access_token", "should-not-be-stored")));

        Map<String, Object> row = jdbc.sql("""
                select outcome, subject, client_ip, user_agent, request_id, details::text as details
                from security_audit_event where user_id = :user""").param("user", user).query().singleRow();
        assertThat(row).containsEntry("outcome", "success").containsEntry("subject", "job:nightly")
                .containsEntry("client_ip", null).containsEntry("user_agent", null).containsEntry("request_id", null);
        assertThat((String) row.get("details")).contains("\"new_role\": \"manager\"")
                .contains("\"access_token\": \"[masked]\"").doesNotContain("should-not-be-stored");
    }

    @Test
    void theRowCommitsWithThePublishersTransactionAndNeverClaimsAChangeThatRolledBack() {
        UUID kept = UUID.randomUUID();
        transactions.executeWithoutResult(status -> events.publishEvent(SecurityEvent.success(
                SecurityEvent.Types.ROLE_CHANGED, kept, "bob@example.com", Map.of("role", "manager"))));
        assertThat(count(kept)).isEqualTo(1);

        UUID undone = UUID.randomUUID();
        transactions.executeWithoutResult(status -> {
            events.publishEvent(SecurityEvent.success(SecurityEvent.Types.ROLE_CHANGED, undone, "bob@example.com",
                    Map.of("role", "manager")));
            status.setRollbackOnly();
        });
        assertThat(count(undone)).isZero();
    }

    @Test
    void updateDeleteAndTruncateAreRefusedToTheServiceRole() {
        UUID user = UUID.randomUUID();
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.LOGOUT, user, "carol@example.com", Map.of()));

        assertNoPrivilege("update security_audit_event set outcome = 'failure' where user_id = '" + user + "'");
        assertNoPrivilege("delete from security_audit_event where user_id = '" + user + "'");
        assertNoPrivilege("truncate security_audit_event");
        assertThat(jdbc.sql("select outcome from security_audit_event where user_id = :user").param("user", user)
                .query(String.class).list()).containsExactly("success");
    }

    /** Item 3 of issue 14: the service role does not own the table, so it cannot switch the trigger off. */
    @Test
    void theServiceRoleCannotSwitchOffTheAppendOnlyRule() {
        UUID user = UUID.randomUUID();
        insertAt(user, OffsetDateTime.now(ZoneOffset.UTC).minusDays(500));

        for (String trigger : List.of("security_audit_event_no_update_or_delete", "security_audit_event_no_truncate",
                "all", "user")) {
            assertThatThrownBy(() -> jdbc.sql("alter table security_audit_event disable trigger " + trigger).update())
                    .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("must be owner");
        }
        assertThatThrownBy(() -> jdbc.sql("drop trigger security_audit_event_no_update_or_delete on security_audit_event")
                .update()).isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("must be owner");
        assertThatThrownBy(() -> jdbc.sql("create or replace function security_audit_event_guard() returns trigger "
                + "language plpgsql as 'begin return old; end'").update())
                .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("permission denied");
        transactions.executeWithoutResult(status -> {
            assertThatThrownBy(() -> jdbc.sql("set local session_replication_role = replica").update())
                    .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("permission denied");
            status.setRollbackOnly();
        });
        assertNoPrivilege("delete from security_audit_event where user_id = '" + user + "'");

        assertThat(TestDatabase.ownerJdbc().sql("""
                select count(*) from pg_trigger where tgrelid = 'security_audit_event'::regclass
                and not tgisinternal and tgenabled = 'O'""").query(Long.class).single()).isEqualTo(2);
        assertThat(count(user)).isEqualTo(1);
    }

    /**
     * Item 12 of issue 14: announcing a purge by hand (the purge's own setting, with an old cutoff) does not let the
     * service role delete old history either: only the purge function deletes.
     */
    @Test
    void forgingThePurgeSettingDeletesNothing() {
        UUID user = UUID.randomUUID();
        insertAt(user, OffsetDateTime.now(ZoneOffset.UTC).minusDays(500));

        for (OffsetDateTime cutoff : List.of(OffsetDateTime.now(ZoneOffset.UTC).minusDays(400),
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1))) {
            transactions.executeWithoutResult(status -> {
                jdbc.sql("select set_config('pipelinepulse.audit_purge_before', :at, true)")
                        .param("at", cutoff.toString()).query().singleRow();
                assertThatThrownBy(() -> jdbc.sql("delete from security_audit_event where user_id = :user")
                        .param("user", user).update()).isInstanceOf(DataAccessException.class).rootCause()
                        .hasMessageContaining("permission denied");
                status.setRollbackOnly();
            });
        }
        assertThat(count(user)).isEqualTo(1);
    }

    /** The trigger still guards the table against its owner (a slip in a console session, a faulty migration). */
    @Test
    void theTriggerRefusesChangesEvenToTheOwner() {
        UUID user = UUID.randomUUID();
        events.publishEvent(SecurityEvent.success(SecurityEvent.Types.LOGOUT, user, "dave@example.com", Map.of()));
        JdbcClient owner = TestDatabase.ownerJdbc();

        for (String sql : List.of("update security_audit_event set outcome = 'failure' where user_id = '" + user + "'",
                "delete from security_audit_event where user_id = '" + user + "'", "truncate security_audit_event")) {
            assertThatThrownBy(() -> owner.sql(sql).update()).isInstanceOf(DataAccessException.class).rootCause()
                    .hasMessageContaining("append-only");
        }
        assertThat(count(user)).isEqualTo(1);
    }

    @Test
    void retentionPurgesOnlyOldRowsAndOnlyThroughItsFunction() {
        UUID user = UUID.randomUUID();
        insertAt(user, OffsetDateTime.now(ZoneOffset.UTC).minusDays(500));
        insertAt(user, OffsetDateTime.now(ZoneOffset.UTC).minusDays(100));
        insertAt(user, OffsetDateTime.now(ZoneOffset.UTC));

        assertThatThrownBy(() -> jdbc.sql("select purge_security_audit_events(interval '7 days')")
                .query(Long.class).single()).isInstanceOf(DataAccessException.class).rootCause()
                .hasMessageContaining("at least 30 days");
        assertThat(count(user)).isEqualTo(3);

        // The service role calls the purge (it runs with its owner's rights): rows older than the retention go.
        Long removed = jdbc.sql("select purge_security_audit_events(interval '365 days')").query(Long.class).single();
        assertThat(removed).isGreaterThanOrEqualTo(1);
        assertThat(count(user)).isEqualTo(2);
        // The purge leaves no open door behind it in the session.
        assertNoPrivilege("delete from security_audit_event where user_id = '" + user + "'");
        assertThat(count(user)).isEqualTo(2);
    }

    private void insertAt(UUID user, OffsetDateTime at) {
        jdbc.sql("""
                insert into security_audit_event (occurred_at, type, outcome, user_id)
                values (:at, 'sign_in', 'success', :user)""").param("at", at).param("user", user).update();
    }

    private long count(UUID user) {
        return jdbc.sql("select count(*) from security_audit_event where user_id = :user").param("user", user)
                .query(Long.class).single();
    }

    /** The service role (the application's pool) lacks the privilege: PostgreSQL refuses before any trigger runs. */
    private void assertNoPrivilege(String sql) {
        assertThatThrownBy(() -> jdbc.sql(sql).update()).isInstanceOf(DataAccessException.class).rootCause()
                .hasMessageContaining("permission denied for table security_audit_event");
    }

    private static void inRequest(String clientIp, String userAgent, String requestId) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/auth/refresh");
        request.setAttribute(ClientAddress.ATTRIBUTE, clientIp);
        request.setAttribute(RequestIdFilter.ATTRIBUTE, requestId);
        request.addHeader("User-Agent", userAgent);
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    }
}
