package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.identity.RegionMapper;
import com.pipelinepulse.identity.RegionMapper.OwnerRegions;
import com.pipelinepulse.pipeline.sync.CurrencySnapshot.Conversion;
import com.pipelinepulse.pipeline.sync.SyncRunLog.Counters;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.zoho.ZohoCrmClient;
import com.pipelinepulse.zoho.ZohoCrmClient.CrmResponse;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import io.github.resilience4j.retry.Retry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One sync run, from its first Zoho call to its recorded outcome (PIPELINE.md, "Reading Zoho CRM"):
 * <ol>
 *   <li>{@code GET /crm/v8/org/currencies}: stored as a dated snapshot, the run's conversion;</li>
 *   <li>{@code GET /crm/v8/Deals} sorted by {@code Modified_Time} ascending, 200 a page, {@code page} for the first
 *   2,000 records and {@code page_token} after, with {@code If-Modified-Since: <cursor>} on incremental runs
 *   (304: nothing changed; 204: no records). Each page is derived and stored in one transaction together with the
 *   run's counters and the cursor, which moves to the page's greatest {@code Modified_Time} (one second less while
 *   more records follow, since the next page may hold more of that second). Memory holds one page at a time;</li>
 *   <li>after each read of Deals, {@code GET /crm/v8/Deals/deleted?type=all} with its own cursor: those deals are
 *   marked deleted; the cursor moves to the latest {@code deleted_time} once the list is read to its end;</li>
 *   <li>a full run then marks deleted every live deal it did not receive.</li>
 * </ol>
 * A 5xx or a timeout is retried by Resilience4j ({@code zoho-crm}); Zoho's throttle ends the run as
 * {@code throttled} with its {@code Retry-After}; a Zoho link needing sign-in ends it as {@code reauth_required}.
 * Whatever ends a run, nothing past the cursors is lost and nothing stored is stored twice: the next run resumes.
 */
final class SyncRunner {

    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);

    static final int PER_PAGE = 200;
    /** Zoho refuses {@code page} beyond the 2,000th record. */
    static final int PAGE_PARAMETER_LIMIT = 2000;
    static final Duration DEFAULT_THROTTLE_WAIT = Duration.ofSeconds(60);
    /** How often one run reads Deals again because deals moved during the read, before it gives up. */
    static final int MAX_REWALKS = 3;
    static final DateTimeFormatter IF_MODIFIED_SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    private final ZohoCrmClient crm;
    private final DealDerivation derivation;
    private final DealWriter writer;
    private final CurrencySnapshots snapshots;
    private final SyncState state;
    private final SyncRunLog runLog;
    private final RegionMapper regions;
    private final PipelineSyncProperties properties;
    private final TransactionTemplate transactions;
    private final Retry retry;
    private final Clock clock;

    SyncRunner(ZohoCrmClient crm, DealDerivation derivation, DealWriter writer, CurrencySnapshots snapshots,
            SyncState state, SyncRunLog runLog, RegionMapper regions, PipelineSyncProperties properties,
            TransactionTemplate transactions, Retry retry, Clock clock) {
        this.crm = crm;
        this.derivation = derivation;
        this.writer = writer;
        this.snapshots = snapshots;
        this.state = state;
        this.runLog = runLog;
        this.regions = regions;
        this.properties = properties;
        this.transactions = transactions;
        this.retry = retry;
        this.clock = clock;
    }

    /** What a run did: its outcome, counters, and for a throttled run when to come back. */
    record Result(SyncOutcome outcome, Counters counters, Instant retryAfter, String errorDetail) {
    }

    /** Renews the run's lock after each stored page; false when the lock was lost (the run must stop). */
    interface Heartbeat {
        boolean beat();
    }

    /** Runs to the end and records the outcome; never throws. */
    Result run(UUID runId, SyncMode mode, Heartbeat heartbeat) {
        Run run = new Run(runId, mode, heartbeat);
        Result result;
        try {
            run.execute();
            result = new Result(SyncOutcome.SUCCEEDED, run.counters, null, null);
        } catch (Throttled e) {
            Instant until = clock.instant().plus(e.wait);
            log.warn("Pipeline sync {} throttled by Zoho ({}); not again before {}", runId, e.getMessage(), until);
            result = new Result(SyncOutcome.THROTTLED, run.counters, until, e.getMessage());
        } catch (ApiProblemException e) {
            result = problem(runId, run.counters, e);
        } catch (ZohoAccountsException e) {
            log.warn("Pipeline sync {} failed: {}", runId, e.getMessage());
            result = new Result(SyncOutcome.FAILED, run.counters, null, "Zoho: " + e.getMessage());
        } catch (Failed e) {
            log.warn("Pipeline sync {} failed: {}", runId, e.getMessage());
            result = new Result(SyncOutcome.FAILED, run.counters, null, e.getMessage());
        } catch (RuntimeException e) {
            log.error("Pipeline sync {} broke", runId, e);
            result = new Result(SyncOutcome.FAILED, run.counters, null,
                    "internal error (" + e.getClass().getSimpleName() + "); see the logs for run " + runId);
        }
        Result ended = result;
        runLog.finish(runId, ended.counters(), ended.outcome(), ended.retryAfter(), ended.errorDetail());
        log.info("Pipeline sync {} ({}) ended {}: fetched {}, upserted {}, deleted {}, pages {}, Zoho calls {}", runId,
                mode.id(), ended.outcome().id(), ended.counters().fetched, ended.counters().upserted,
                ended.counters().deleted, ended.counters().pages, ended.counters().zohoCalls);
        return ended;
    }

    private Result problem(UUID runId, Counters counters, ApiProblemException e) {
        String slug = e.slug();
        if ("zoho-reauth-required".equals(slug) || "zoho-not-connected".equals(slug)) {
            log.warn("Pipeline sync {}: the sync account's Zoho link needs a new sign-in ({})", runId, slug);
            return new Result(SyncOutcome.REAUTH_REQUIRED, counters, null, slug + ": " + e.getMessage());
        }
        if ("zoho-refresh-limited".equals(slug)) {
            Duration wait = retryAfter(e.headers()).orElse(DEFAULT_THROTTLE_WAIT);
            return new Result(SyncOutcome.THROTTLED, counters, clock.instant().plus(wait), slug + ": "
                    + e.getMessage());
        }
        log.warn("Pipeline sync {} failed: {} ({})", runId, slug, e.getMessage());
        return new Result(SyncOutcome.FAILED, counters, null, slug + ": " + e.getMessage());
    }

    private static Optional<Duration> retryAfter(HttpHeaders headers) {
        return new CrmResponse(503, headers, null).retryAfter();
    }

    /** The state of one run. */
    private final class Run {
        private final UUID runId;
        private final SyncMode mode;
        private final Heartbeat heartbeat;
        private final Counters counters = new Counters();
        private UUID syncUser;

        Run(UUID runId, SyncMode mode, Heartbeat heartbeat) {
            this.runId = runId;
            this.mode = mode;
            this.heartbeat = heartbeat;
        }

        void execute() {
            SyncState.Snapshot start = state.read();
            syncUser = start.syncUserId();
            if (syncUser == null) {
                throw new Failed("no sync account: choose one with PUT /api/admin/pipeline/sync-account");
            }
            Conversion conversion = currencies();
            OwnerRegions owners = regions.ownerRegions();
            deletedCursor = start.deletedCursor();
            if (mode == SyncMode.INCREMENTAL) {
                deals(start.modifiedCursor(), conversion, owners, runId, false);
            } else {
                // A full pass that an earlier full run began resumes from its own cursor: the deals it received
                // carry its id, and every deal changed since sorts after that cursor.
                UUID pass = start.fullPassId();
                if (pass == null) {
                    pass = runId;
                    UUID begun = pass;
                    transactions.executeWithoutResult(tx -> state.startFullPass(begun));
                } else {
                    log.info("Pipeline sync {}: resuming full pass {} after {}", runId, pass, start.fullPassCursor());
                }
                deals(start.fullPassId() == null ? null : start.fullPassCursor(), conversion, owners, pass, true);
                fullPass = pass;
            }
            rederiveRegions(owners);
            if (fullPass != null) {
                endFullPass(fullPass);
            }
        }

        private UUID fullPass;
        /** Where the next read of the deleted list starts: the latest {@code deleted_time} read to the end. */
        private Instant deletedCursor;

        /**
         * Marks deleted every live deal the pass did not receive, unless that is more than
         * {@code max-full-sync-deletion-share} of the live deals (a truncated answer must not empty the pipeline):
         * then nothing is deleted, the pass is given up and the run fails saying why.
         */
        private void endFullPass(UUID pass) {
            Boolean done = transactions.execute(tx -> {
                long[] liveAndUnseen = writer.liveAndUnseen(pass);
                long live = liveAndUnseen[0];
                long unseen = liveAndUnseen[1];
                if (unseen > 0 && BigDecimal.valueOf(unseen).compareTo(properties.maxFullSyncDeletionShare()
                        .multiply(BigDecimal.valueOf(live))) > 0) {
                    state.abandonFullPass();
                    runLog.progress(runId, counters);
                    refusedDeletion = "the full run would mark " + unseen + " of " + live + " live deals deleted, more "
                            + "than pipelinepulse.pipeline.max-full-sync-deletion-share ("
                            + properties.maxFullSyncDeletionShare().toPlainString() + "); nothing was deleted";
                    return false;
                }
                counters.deleted += writer.markUnseenDeleted(pass);
                state.fullSyncCompleted();
                runLog.progress(runId, counters);
                return true;
            });
            if (!Boolean.TRUE.equals(done)) {
                throw new Failed(refusedDeletion);
            }
        }

        private String refusedDeletion;

        /** The region of every stored deal, again: the mapping or an owner's region may have changed. */
        private void rederiveRegions(OwnerRegions owners) {
            transactions.executeWithoutResult(tx -> {
                int changed = writer.rederiveRegions(properties.regionField(), derivation::fieldRegion, owners);
                if (changed > 0) {
                    counters.regionChanged += changed;
                    runLog.progress(runId, counters);
                }
            });
        }

        /**
         * Reads and stores the org currencies; when the resulting conversion basis differs from the one the stored
         * amounts were converted with (new rates, another reporting currency), re-converts every stored deal in
         * the same transaction that records the new basis: the stored amounts never mix two bases.
         */
        private Conversion currencies() {
            CrmResponse answer = call("/crm/v8/org/currencies", Map.of(), Map.of());
            Optional<CurrencySnapshot> read = answer.status() == 200 ? CurrencySnapshots.parse(answer.body())
                    : Optional.empty();
            if (read.isEmpty()) {
                // A single-currency org has no currencies to list: keep the last snapshot, if any.
                log.info("Pipeline sync {}: Zoho listed no org currencies (HTTP {}, {}); using the latest snapshot",
                        runId, answer.status(), answer.zohoError());
            }
            return transactions.execute(tx -> {
                Conversion conversion = read.map(r -> snapshots.save(r, runId))
                        .or(snapshots::latest)
                        .map(s -> s.conversionTo(properties.reportingCurrency()))
                        .orElseGet(() -> Conversion.identity(properties.reportingCurrency()));
                String basis = conversion.basis();
                if (!state.conversionBasisIs(basis)) {
                    int reconverted = writer.reconvert(conversion);
                    state.conversionBasis(basis);
                    counters.reconverted += reconverted;
                    runLog.progress(runId, counters);
                    log.info("Pipeline sync {}: conversion basis now {}; {} stored deals re-converted", runId, basis,
                            reconverted);
                }
                return conversion;
            });
        }

        /**
         * Reads Deals after {@code since} to the end and stores them page by page, then the deleted list. Offset
         * paging over a list sorted by {@code Modified_Time} shifts when a deal this walk already read leaves its
         * place in Zoho meanwhile, and the deal after each later page boundary slides onto an already-read page,
         * unread. A deal changed meanwhile moves to the end: it is received again with a newer
         * {@code Modified_Time} than this walk stored for it. A deal deleted meanwhile is never received again: it
         * is in the deleted list read right after the walk, as a deal this walk stored. Either way the walk reads
         * again from that deal's former position ({@value #MAX_REWALKS} times at most), its cursors moved back there
         * first (a run stopped during the new read resumes from there), so that no slid deal is lost to the cursor
         * or, in a full pass, marked deleted.
         */
        private void deals(Instant since, Conversion conversion, OwnerRegions owners, UUID seenBy,
                boolean fullPassCursor) {
            Instant from = since;
            for (int walk = 0; ; walk++) {
                Instant moved = walk(from, conversion, owners, seenBy, fullPassCursor);
                Instant deleted = deletions(seenBy, from);
                Instant movedFrom = earliest(moved, deleted);
                if (movedFrom == null) {
                    return;
                }
                Instant again = movedFrom.minusSeconds(1);
                transactions.executeWithoutResult(tx -> state.rewindCursors(again, fullPassCursor));
                if (walk == MAX_REWALKS) {
                    throw new Failed("deals kept changing or being deleted in Zoho while the sync read them; the "
                            + "next run reads again from " + again);
                }
                log.info("Pipeline sync {}: deals {} in Zoho during the read; reading again from {}", runId,
                        moved != null && moved.equals(movedFrom) ? "changed" : "deleted", again);
                from = again;
            }
        }

        /** One walk over Deals after {@code since}; returns the earliest former position of a deal that moved. */
        private Instant walk(Instant since, Conversion conversion, OwnerRegions owners, UUID seenBy,
                boolean fullPassCursor) {
            Map<String, String> headers = ifModifiedSince(since);
            String fields = String.join(",", properties.dealFields());
            Pager pager = new Pager(true);
            Instant movedFrom = null;
            while (true) {
                Map<String, String> query = new LinkedHashMap<>();
                query.put("fields", fields);
                query.put("per_page", Integer.toString(PER_PAGE));
                query.put("sort_by", "Modified_Time");
                query.put("sort_order", "asc");
                pager.addTo(query);
                CrmResponse answer = call("/crm/v8/Deals", query, headers);
                if (answer.status() == 304 || answer.status() == 204) {
                    return movedFrom;
                }
                JsonNode data = records(answer, "Deals");
                List<DerivedDeal> deals = new ArrayList<>(data.size());
                Instant greatest = null;
                for (JsonNode record : data) {
                    DerivedDeal deal = derivation.derive(record, conversion, owners);
                    deals.add(deal);
                    if (deal.modifiedTime() != null) {
                        Instant modified = deal.modifiedTime().toInstant();
                        greatest = greatest == null || modified.isAfter(greatest) ? modified : greatest;
                    }
                }
                boolean more = answer.body().path("info").path("more_records").asBoolean(false);
                Instant cursor = greatest == null ? null : more ? greatest.minusSeconds(1) : greatest;
                int unconverted = (int) deals.stream().filter(DerivedDeal::unconverted).count();
                Instant moved = transactions.execute(tx -> {
                    Instant formerly = writer.movedSince(deals, seenBy, since);
                    counters.fetched += deals.size();
                    counters.upserted += writer.upsert(deals, seenBy);
                    counters.unconverted += unconverted;
                    counters.pages++;
                    if (cursor != null) {
                        state.advanceModifiedCursor(cursor);
                        if (fullPassCursor) {
                            state.advanceFullPass(cursor);
                        }
                    }
                    runLog.progress(runId, counters);
                    return formerly;
                });
                movedFrom = earliest(movedFrom, moved);
                beat();
                if (!more) {
                    return movedFrom;
                }
                pager.next(answer.body().path("info"), deals.size());
            }
        }

        /**
         * Reads the deleted list after {@link #deletedCursor} to its end and marks those deals deleted. Returns the
         * earliest stored {@code Modified_Time} of a deal among them that the walk just made ({@code seenBy}, after
         * {@code walkSince}) had received: its deletion shifted the walk's later pages. Null when there is none.
         */
        private Instant deletions(UUID seenBy, Instant walkSince) {
            Map<String, String> headers = ifModifiedSince(deletedCursor);
            // ZOHO.md documents page_token for records only: the deleted list pages with page throughout.
            Pager pager = new Pager(false);
            Instant latest = null;
            Instant shiftedFrom = null;
            while (true) {
                Map<String, String> query = new LinkedHashMap<>();
                query.put("type", "all");
                query.put("per_page", Integer.toString(PER_PAGE));
                pager.addTo(query);
                CrmResponse answer = call("/crm/v8/Deals/deleted", query, headers);
                if (answer.status() == 304 || answer.status() == 204) {
                    if (latest != null) {
                        Instant end = latest;
                        transactions.executeWithoutResult(tx -> state.advanceDeletedCursor(end));
                        deletedCursor = end;
                    }
                    return shiftedFrom;
                }
                JsonNode data = records(answer, "Deals/deleted");
                Map<String, Instant> deleted = new LinkedHashMap<>();
                for (JsonNode entry : data) {
                    String id = DealDerivation.text(entry, "id");
                    OffsetDateTime at = DealDerivation.timestamp(entry.get("deleted_time"));
                    if (id != null && at != null) {
                        deleted.put(id, at.toInstant());
                        latest = latest == null || at.toInstant().isAfter(latest) ? at.toInstant() : latest;
                    }
                }
                boolean more = answer.body().path("info").path("more_records").asBoolean(false);
                Instant end = more ? null : latest;
                Instant shifted = transactions.execute(tx -> {
                    Instant formerly = writer.seenBefore(deleted.keySet(), seenBy, walkSince);
                    deleted.forEach((id, at) -> writer.markDeleted(List.of(id), at));
                    counters.deleted += data.size();
                    counters.pages++;
                    if (end != null) {
                        state.advanceDeletedCursor(end);
                    }
                    runLog.progress(runId, counters);
                    return formerly;
                });
                shiftedFrom = earliest(shiftedFrom, shifted);
                beat();
                if (!more) {
                    if (end != null) {
                        deletedCursor = end;
                    }
                    return shiftedFrom;
                }
                pager.next(answer.body().path("info"), data.size());
            }
        }

        /** The {@code data} of a 200 answer; anything else ends the run. */
        private JsonNode records(CrmResponse answer, String what) {
            if (answer.status() != 200 || answer.body() == null) {
                throw new Failed(what + ": Zoho answered HTTP " + answer.status()
                        + (answer.zohoError() == null ? "" : " (" + answer.zohoError() + ")"));
            }
            JsonNode data = answer.body().path("data");
            if (!data.isArray()) {
                throw new Failed(what + ": Zoho's answer has no data array");
            }
            return data;
        }

        /** One CRM request (retried on 5xx and timeouts); a throttle answer ends the run. */
        private CrmResponse call(String path, Map<String, String> query, Map<String, String> headers) {
            CrmResponse answer = retry.executeSupplier(() -> {
                counters.zohoCalls++;
                return crm.fetch(syncUser, path, query, headers);
            });
            if (answer.throttled()) {
                throw new Throttled(answer.retryAfter().orElse(DEFAULT_THROTTLE_WAIT),
                        path + ": Zoho says too many requests (HTTP " + answer.status() + ")");
            }
            return answer;
        }

        private void beat() {
            if (!heartbeat.beat()) {
                throw new Failed("lost the sync lock (a page took longer than pipelinepulse.pipeline."
                        + "sync-lock-timeout); the next run resumes from the cursor");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new Failed("the instance is stopping; the next run resumes from the cursor");
            }
        }
    }

    /** The earlier of two instants, either of which may be null (none). */
    private static Instant earliest(Instant a, Instant b) {
        return a == null || b != null && b.isBefore(a) ? b : a;
    }

    private static Map<String, String> ifModifiedSince(Instant since) {
        return since == null ? Map.of()
                : Map.of(HttpHeaders.IF_MODIFIED_SINCE, IF_MODIFIED_SINCE.format(since.atOffset(ZoneOffset.UTC)));
    }

    /**
     * {@code page=1..10} while within Zoho's 2,000 records, then {@code page_token} from the last answer (records);
     * or {@code page} throughout (the deleted list).
     */
    static final class Pager {
        private final boolean tokensAfterLimit;
        private int page = 1;
        private int seen;
        private String token;

        Pager(boolean tokensAfterLimit) {
            this.tokensAfterLimit = tokensAfterLimit;
        }

        void addTo(Map<String, String> query) {
            if (token != null) {
                query.put("page_token", token);
            } else {
                query.put("page", Integer.toString(page));
            }
        }

        void next(JsonNode info, int received) {
            seen += received;
            if (!tokensAfterLimit || token == null && seen + PER_PAGE <= PAGE_PARAMETER_LIMIT) {
                page++;
                return;
            }
            String next = DealDerivation.text(info, "next_page_token");
            if (next == null) {
                throw new Failed("Zoho said more records follow record " + seen + " but gave no next_page_token");
            }
            token = next;
        }
    }

    /** Zoho's throttle: ends the run as throttled. */
    static final class Throttled extends RuntimeException {
        private final transient Duration wait;

        Throttled(Duration wait, String message) {
            super(message, null, false, false);
            this.wait = wait;
        }
    }

    /** Ends the run as failed with a message for the status route. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message, null, false, false);
        }
    }
}
