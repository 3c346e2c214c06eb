package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes deals: one statement per page, whatever its size (the page travels as one jsonb parameter, unpacked by
 * {@code jsonb_to_recordset}), joining the caller's transaction. A deal that appears in a Deals answer is live:
 * its row is replaced and un-deleted.
 */
@Component
public class DealWriter {

    private static final String UPSERT = """
            insert into pipeline_deal (id, name, account_id, account_name, owner_id, owner_name, owner_email, stage,
                   status, probability, closing_date, currency, amount, exchange_rate, amount_reporting,
                   weighted_amount_reporting, reporting_currency, currency_snapshot_id, region, forecast_category,
                   proposal_date, po_date, kickoff_date, invoice_date, payment_date, revenue_recognition_date,
                   o2r_phase, realized, created_time, modified_time, deleted, deleted_time, zoho_record, synced_at,
                   last_seen_run)
            select r.id, r.name, r.account_id, r.account_name, r.owner_id, r.owner_name, r.owner_email, r.stage,
                   r.status, r.probability, r.closing_date, r.currency, r.amount, r.exchange_rate, r.amount_reporting,
                   r.weighted_amount_reporting, r.reporting_currency, r.currency_snapshot_id, r.region,
                   r.forecast_category, r.proposal_date, r.po_date, r.kickoff_date, r.invoice_date, r.payment_date,
                   r.revenue_recognition_date, r.o2r_phase, r.realized, r.created_time, r.modified_time, false, null,
                   r.zoho_record, now(), :run
              from jsonb_to_recordset(cast(:rows as jsonb)) as r(id varchar, name varchar, account_id varchar,
                   account_name varchar, owner_id varchar, owner_name varchar, owner_email varchar, stage varchar,
                   status varchar, probability integer, closing_date date, currency varchar, amount numeric,
                   exchange_rate numeric, amount_reporting numeric, weighted_amount_reporting numeric,
                   reporting_currency varchar, currency_snapshot_id bigint, region varchar, forecast_category varchar,
                   proposal_date date, po_date date, kickoff_date date, invoice_date date, payment_date date,
                   revenue_recognition_date date, o2r_phase smallint, realized boolean, created_time timestamptz,
                   modified_time timestamptz, zoho_record jsonb)
            on conflict (id) do update set
                   name = excluded.name, account_id = excluded.account_id, account_name = excluded.account_name,
                   owner_id = excluded.owner_id, owner_name = excluded.owner_name, owner_email = excluded.owner_email,
                   stage = excluded.stage, status = excluded.status, probability = excluded.probability,
                   closing_date = excluded.closing_date, currency = excluded.currency, amount = excluded.amount,
                   exchange_rate = excluded.exchange_rate, amount_reporting = excluded.amount_reporting,
                   weighted_amount_reporting = excluded.weighted_amount_reporting,
                   reporting_currency = excluded.reporting_currency,
                   currency_snapshot_id = excluded.currency_snapshot_id, region = excluded.region,
                   forecast_category = excluded.forecast_category, proposal_date = excluded.proposal_date,
                   po_date = excluded.po_date, kickoff_date = excluded.kickoff_date,
                   invoice_date = excluded.invoice_date, payment_date = excluded.payment_date,
                   revenue_recognition_date = excluded.revenue_recognition_date, o2r_phase = excluded.o2r_phase,
                   realized = excluded.realized, created_time = excluded.created_time,
                   modified_time = excluded.modified_time, deleted = false, deleted_time = null,
                   zoho_record = excluded.zoho_record, synced_at = excluded.synced_at,
                   last_seen_run = excluded.last_seen_run
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public DealWriter(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Inserts or replaces the deals; returns how many rows were written. */
    public int upsert(List<DerivedDeal> deals, UUID runId) {
        if (deals.isEmpty()) {
            return 0;
        }
        return jdbc.sql(UPSERT).param("rows", rows(deals)).param("run", runId).update();
    }

    /**
     * Marks deals deleted at {@code deletedTime} (Zoho's {@code deleted_time}), unless they were modified after
     * it (restored and changed since). Returns how many rows changed.
     */
    public int markDeleted(Collection<String> ids, Instant deletedTime) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                update pipeline_deal set deleted = true, deleted_time = :deletedTime
                 where id in (:ids) and not deleted and (modified_time is null or modified_time <= :deletedTime)
                """).param("ids", ids).param("deletedTime", OffsetDateTime.ofInstant(deletedTime, ZoneOffset.UTC))
                .update();
    }

    /** After a complete full run: every live deal the run did not receive was deleted in Zoho. */
    public int markUnseenDeleted(UUID runId) {
        return jdbc.sql("""
                update pipeline_deal set deleted = true, deleted_time = now()
                 where not deleted and last_seen_run is distinct from :run
                """).param("run", runId).update();
    }

    private String rows(List<DerivedDeal> deals) {
        ArrayNode rows = json.createArrayNode();
        for (DerivedDeal d : deals) {
            ObjectNode row = rows.addObject();
            row.put("id", d.id()).put("name", d.name()).put("account_id", d.accountId())
                    .put("account_name", d.accountName()).put("owner_id", d.ownerId()).put("owner_name", d.ownerName())
                    .put("owner_email", d.ownerEmail()).put("stage", d.stage()).put("status", d.status())
                    .put("probability", d.probability()).put("closing_date", string(d.closingDate()))
                    .put("currency", d.currency()).put("amount", d.amount()).put("exchange_rate", d.exchangeRate())
                    .put("amount_reporting", d.amountReporting())
                    .put("weighted_amount_reporting", d.weightedAmountReporting())
                    .put("reporting_currency", d.reportingCurrency())
                    .put("currency_snapshot_id", d.currencySnapshotId()).put("region", d.region())
                    .put("forecast_category", d.forecastCategory()).put("proposal_date", string(d.proposalDate()))
                    .put("po_date", string(d.poDate())).put("kickoff_date", string(d.kickoffDate()))
                    .put("invoice_date", string(d.invoiceDate())).put("payment_date", string(d.paymentDate()))
                    .put("revenue_recognition_date", string(d.revenueRecognitionDate()))
                    .put("o2r_phase", d.o2rPhase()).put("realized", d.realized())
                    .put("created_time", string(d.createdTime())).put("modified_time", string(d.modifiedTime()));
            row.set("zoho_record", d.zohoRecord());
        }
        try {
            return json.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a page of deals as JSON", e);
        }
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
