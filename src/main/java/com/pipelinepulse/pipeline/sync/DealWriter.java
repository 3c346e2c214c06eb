package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.pipelinepulse.identity.RegionMapper;
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
                   last_seen_run, exchange_rate_on_deal, unconverted)
            select r.id, r.name, r.account_id, r.account_name, r.owner_id, r.owner_name, r.owner_email, r.stage,
                   r.status, r.probability, r.closing_date, r.currency, r.amount, r.exchange_rate, r.amount_reporting,
                   r.weighted_amount_reporting, r.reporting_currency, r.currency_snapshot_id, r.region,
                   r.forecast_category, r.proposal_date, r.po_date, r.kickoff_date, r.invoice_date, r.payment_date,
                   r.revenue_recognition_date, r.o2r_phase, r.realized, r.created_time, r.modified_time, false, null,
                   r.zoho_record, now(), :run, r.exchange_rate_on_deal, r.unconverted
              from jsonb_to_recordset(cast(:rows as jsonb)) as r(id varchar, name varchar, account_id varchar,
                   account_name varchar, owner_id varchar, owner_name varchar, owner_email varchar, stage varchar,
                   status varchar, probability integer, closing_date date, currency varchar, amount numeric,
                   exchange_rate numeric, amount_reporting numeric, weighted_amount_reporting numeric,
                   reporting_currency varchar, currency_snapshot_id bigint, region varchar, forecast_category varchar,
                   proposal_date date, po_date date, kickoff_date date, invoice_date date, payment_date date,
                   revenue_recognition_date date, o2r_phase smallint, realized boolean, created_time timestamptz,
                   modified_time timestamptz, zoho_record jsonb, exchange_rate_on_deal boolean, unconverted boolean)
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
                   last_seen_run = excluded.last_seen_run, exchange_rate_on_deal = excluded.exchange_rate_on_deal,
                   unconverted = excluded.unconverted
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

    /** After a complete full pass: every live deal the pass did not receive was deleted in Zoho. */
    public int markUnseenDeleted(UUID passId) {
        return jdbc.sql("""
                update pipeline_deal set deleted = true, deleted_time = now()
                 where not deleted and last_seen_run is distinct from :run
                """).param("run", passId).update();
    }

    /**
     * Of the deals of a page about to be stored, the earliest {@code modified_time} stored for one that this walk
     * ({@code seenBy}, after {@code since}) already received with another {@code Modified_Time}: it was changed in
     * Zoho while the walk read, and moved from that position to the end. Null when none moved. Joins the caller's
     * transaction.
     */
    public Instant movedSince(List<DerivedDeal> deals, UUID seenBy, Instant since) {
        ArrayNode page = json.createArrayNode();
        for (DerivedDeal d : deals) {
            page.addObject().put("id", d.id()).put("modified_time", string(d.modifiedTime()));
        }
        // The page's ids drive the lookup through the primary key (id = any): joined on the id alone, a generic plan
        // scanned every deal this run had seen and matched each against the page, a cost growing with every page.
        return earliestSeen(jdbc.sql("""
                select min(d.modified_time) from pipeline_deal d
                  join jsonb_to_recordset(cast(:page as jsonb)) as p(id varchar, modified_time timestamptz)
                    on p.id = d.id
                 where d.id = any(:ids) and d.last_seen_run = :seen
                   and d.modified_time is distinct from p.modified_time
                   and (cast(:since as timestamptz) is null or d.modified_time > cast(:since as timestamptz))
                """).param("page", page.toString())
                .param("ids", deals.stream().map(DerivedDeal::id).toArray(String[]::new)), seenBy, since);
    }

    /**
     * Of the deals Zoho lists as deleted, the earliest {@code modified_time} stored for one that this walk
     * ({@code seenBy}, after {@code since}) received: deleted in Zoho while (or after) the walk read, it left that
     * position and every later deal moved one place up. Null when none. Joins the caller's transaction.
     */
    public Instant seenBefore(Collection<String> deletedIds, UUID seenBy, Instant since) {
        if (deletedIds.isEmpty()) {
            return null;
        }
        return earliestSeen(jdbc.sql("""
                select min(d.modified_time) from pipeline_deal d
                 where d.id = any(:ids) and d.last_seen_run = :seen
                   and (cast(:since as timestamptz) is null or d.modified_time > cast(:since as timestamptz))
                """).param("ids", deletedIds.toArray(String[]::new)), seenBy, since);
    }

    private static Instant earliestSeen(JdbcClient.StatementSpec select, UUID seenBy, Instant since) {
        OffsetDateTime formerly = select.param("seen", seenBy)
                .param("since", since == null ? null : OffsetDateTime.ofInstant(since, ZoneOffset.UTC),
                        java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).optional().orElse(null);
        return formerly == null ? null : formerly.toInstant();
    }

    /** Live deals, and live deals a full pass did not receive: what {@link #markUnseenDeleted} would mark. */
    public long[] liveAndUnseen(UUID passId) {
        return jdbc.sql("""
                select count(*) as live, count(*) filter (where last_seen_run is distinct from :pass) as unseen
                  from pipeline_deal where not deleted""").param("pass", passId)
                .query((rs, n) -> new long[] {rs.getLong("live"), rs.getLong("unseen")}).single();
    }

    /**
     * Re-converts every stored deal to {@code conversion} in one statement (joining the caller's transaction), as
     * {@link DealDerivation} would: the deal's own {@code Exchange_Rate} when it had one, else 1 in the home currency,
     * else the snapshot's rate of its currency, else unconverted (0). Rounding is {@code pipeline_round2} (half-even)
     * after a division at 40 decimals, so the amounts equal the derivation's to the cent. Returns the rows written.
     */
    public int reconvert(CurrencySnapshot.Conversion conversion) {
        ObjectNode rates = json.createObjectNode();
        conversion.exchangeRates().forEach((code, rate) -> rates.put(code, rate.toPlainString()));
        return jdbc.sql("""
                update pipeline_deal d
                   set exchange_rate = coalesce(x.rate, 1), unconverted = x.amount is not null and x.rate is null,
                       amount_reporting = x.amount_reporting,
                       weighted_amount_reporting = case when d.probability is null then 0
                           else pipeline_round2(x.amount_reporting * d.probability / 100) end,
                       reporting_currency = :currency, currency_snapshot_id = :snapshot
                  from (select y.id, y.amount, y.rate,
                               case when y.amount is null or y.rate is null then 0
                                    else pipeline_round2(cast(y.amount * :rate as numeric(1000, 40)) / y.rate)
                               end as amount_reporting
                          from (select d2.id, d2.amount,
                                       case when d2.exchange_rate_on_deal then d2.exchange_rate
                                            when d2.currency is null or cast(:home as varchar) is null
                                                 or d2.currency = :home then 1
                                            else cast(cast(:rates as jsonb) ->> d2.currency as numeric) end as rate
                                  from pipeline_deal d2) y) x
                 where x.id = d.id
                """).param("currency", conversion.reportingCurrency()).param("snapshot", conversion.snapshotId(),
                        java.sql.Types.BIGINT)
                .param("rate", conversion.reportingRate()).param("home", conversion.homeCurrency(),
                        java.sql.Types.VARCHAR)
                .param("rates", rates.toString()).update();
    }

    /**
     * Re-derives the region of every live deal from its stored record, as {@link DealDerivation} does, with the
     * region mapping and our users' regions as they are now: {@code fieldRegions} gives, per distinct raw value of
     * the region field (jsonb text; JSON {@code null} for an absent field), the region it names ({@code UNASSIGNED}
     * for an unknown value) or null when it is empty (the owner's region decides). Only changed rows are written
     * (and none at all when nothing changed, so the figure cache stays valid). Returns how many changed.
     */
    public int rederiveRegions(String regionField, java.util.function.Function<JsonNode, java.util.Optional<String>>
            fieldRegions, RegionMapper.OwnerRegions owners) {
        ArrayNode fields = json.createArrayNode();
        for (String raw : jdbc.sql("select distinct cast(coalesce(zoho_record -> :field, 'null'::jsonb) as text) "
                + "from pipeline_deal where not deleted").param("field", regionField).query(String.class).list()) {
            JsonNode value;
            try {
                value = json.readTree(raw);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a stored region value is not JSON", e);
            }
            ObjectNode entry = fields.addObject();
            entry.set("raw", value);
            entry.put("region", fieldRegions.apply(value).orElse(null));
        }
        ArrayNode byId = json.createArrayNode();
        owners.byZohoUserId().forEach((id, region) -> byId.addObject().put("k", id).put("region", region));
        ArrayNode byEmail = json.createArrayNode();
        owners.byEmail().forEach((email, region) -> byEmail.addObject().put("k", email).put("region", region));
        String derived = """
                with f as (select * from jsonb_to_recordset(cast(:fields as jsonb)) as f(raw jsonb, region varchar)),
                     oi as (select * from jsonb_to_recordset(cast(:ids as jsonb)) as o(k varchar, region varchar)),
                     oe as (select * from jsonb_to_recordset(cast(:emails as jsonb)) as o(k varchar, region varchar)),
                     x as (select d.id, d.region as stored,
                                  coalesce(f.region, oi.region, oe.region, 'UNASSIGNED') as region
                             from pipeline_deal d
                             left join f on f.raw = coalesce(d.zoho_record -> :field, 'null'::jsonb)
                             left join oi on oi.k = d.owner_id
                             left join oe on oe.k = lower(d.owner_email)
                            where not d.deleted)
                """;
        Map<String, Object> params = Map.of("fields", fields.toString(), "ids", byId.toString(), "emails",
                byEmail.toString(), "field", regionField);
        long changed = jdbc.sql(derived + " select count(*) from x where x.stored <> x.region").params(params)
                .query(Long.class).single();
        if (changed == 0) {
            return 0;
        }
        return jdbc.sql(derived + " update pipeline_deal d set region = x.region from x "
                + "where x.id = d.id and d.region <> x.region").params(params).update();
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
            row.put("exchange_rate_on_deal", d.exchangeRateOnDeal()).put("unconverted", d.unconverted());
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
