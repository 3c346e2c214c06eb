package com.pipelinepulse.pipeline;

import com.pipelinepulse.pipeline.FigureViews.Breakdown;
import com.pipelinepulse.pipeline.FigureViews.BreakdownRow;
import com.pipelinepulse.pipeline.FigureViews.DealDetail;
import com.pipelinepulse.pipeline.FigureViews.DealPage;
import com.pipelinepulse.pipeline.FigureViews.HealthCounts;
import com.pipelinepulse.pipeline.FigureViews.Milestones;
import com.pipelinepulse.pipeline.FigureViews.O2r;
import com.pipelinepulse.pipeline.FigureViews.Phase;
import com.pipelinepulse.pipeline.FigureViews.Summary;
import com.pipelinepulse.pipeline.FigureViews.Totals;
import com.pipelinepulse.pipeline.HealthEvaluator.DealHealth;
import com.pipelinepulse.pipeline.HealthEvaluator.HealthInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.sql.DataSource;
import com.pipelinepulse.web.ApiProblemException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The pipeline figures of PIPELINE.md, read from {@code pipeline_deal} with plain SQL aggregates over the
 * reporting amounts the sync stored per deal. Every query carries the caller's {@link ReadScope} and filters in
 * its {@code where} clause; health is evaluated against today (UTC, from the injected {@link Clock}).
 */
@Service
class PipelineFigures {

    static final int ATTENTION_LIMIT = 50;
    static final int CSV_FETCH_SIZE = 500;
    static final int CACHE_SIZE = 1_000;
    /** First deal pages kept, counted in deals (a page of 50 weighs 51): a few MB whatever the filters tried. */
    static final int FIRST_PAGES_WEIGHT = 5_000;
    static final List<String> PHASE_NAMES = List.of("opportunity", "proposal", "execution", "revenue");

    private static final String DEAL_COLUMNS = """
            d.id, d.name, d.account_id, d.account_name, d.owner_id, d.owner_name, d.stage, d.status, d.probability,
            d.closing_date, d.currency, d.amount, d.exchange_rate, d.amount_reporting, d.weighted_amount_reporting,
            d.reporting_currency, d.region, d.forecast_category, d.o2r_phase, d.realized, d.proposal_date, d.po_date,
            d.kickoff_date, d.invoice_date, d.payment_date, d.revenue_recognition_date, d.created_time,
            d.modified_time""";
    private static final DateTimeFormatter MONTH_LABEL = DateTimeFormatter.ofPattern("MMM uuuu", Locale.ENGLISH);

    private final JdbcClient jdbc;
    private final JdbcClient streaming;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate snapshot;
    private final HealthEvaluator evaluator;
    private final HealthSql healthSql;
    private final Clock clock;
    private final String reportingCurrency;
    /**
     * Summary, breakdown and O2R figures by data version: a sync that changes deals makes a new version, so an
     * entry is never stale; old versions age out. Bounded, so memory does not grow with the filters people try.
     */
    private final Cache<VersionedKey, Object> cache = Caffeine.newBuilder().maximumSize(CACHE_SIZE)
            .expireAfterAccess(Duration.ofMinutes(30)).build();
    /** First pages of the deal list, the same way, bounded by the number of deals they hold. */
    private final Cache<VersionedKey, Object> firstPages = Caffeine.newBuilder().maximumWeight(FIRST_PAGES_WEIGHT)
            .<VersionedKey, Object>weigher((key, page) -> 1 + ((DealPage) page).items().size())
            .expireAfterAccess(Duration.ofMinutes(30)).build();

    PipelineFigures(JdbcClient jdbc, DataSource dataSource, HealthEvaluator evaluator, Clock clock,
            @Value("${pipelinepulse.pipeline.reporting-currency:SGD}") String reportingCurrency) {
        this.jdbc = jdbc;
        JdbcTemplate fetching = new JdbcTemplate(dataSource);
        fetching.setFetchSize(CSV_FETCH_SIZE);
        this.streaming = JdbcClient.create(new NamedParameterJdbcTemplate(fetching));
        // Plain JDBC transactions: these reads need no JPA session.
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        this.readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setReadOnly(true);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.evaluator = evaluator;
        this.healthSql = new HealthSql(evaluator.thresholds());
        this.clock = clock;
        this.reportingCurrency = reportingCurrency.trim().toUpperCase(Locale.ROOT);
    }

    LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    private DealQuery query(ReadScope scope, DealFilters filters, LocalDate today) {
        return new DealQuery(scope, filters, today, healthSql);
    }

    Summary summary(ReadScope scope, DealFilters filters) {
        return cachedFigures(new CacheKey("summary", scope, filters, null), today -> computeSummary(scope, filters, today),
                (context, totals) -> new Summary(context.currency(), context.asOf(), totals.open(), totals.won(),
                        totals.lost(), totals.winRate(), totals.averageWonDealSize(), totals.unconvertedCount()));
    }

    private Summary computeSummary(ReadScope scope, DealFilters filters, LocalDate today) {
        DealQuery q = query(scope, filters, today);
        Map<String, Totals> byStatus = new HashMap<>();
        long[] unconverted = {0};
        jdbc.sql("select d.status, count(*) as n, coalesce(sum(d.amount_reporting), 0) as amount, "
                + "coalesce(sum(d.weighted_amount_reporting), 0) as weighted, "
                + "count(*) filter (where d.unconverted) as unconverted from pipeline_deal d where "
                + q.where() + " group by d.status").params(q.params())
                .query(rs -> {
                    byStatus.put(rs.getString("status"), new Totals(rs.getLong("n"), money(rs.getBigDecimal("amount")),
                            money(rs.getBigDecimal("weighted"))));
                    unconverted[0] += rs.getLong("unconverted");
                });
        Totals open = byStatus.getOrDefault("open", new Totals(0, money(null), money(null)));
        Totals won = byStatus.getOrDefault("won", new Totals(0, money(null), null));
        Totals lost = byStatus.getOrDefault("lost", new Totals(0, money(null), null));
        long decided = won.count() + lost.count();
        BigDecimal winRate = decided == 0 ? null
                : BigDecimal.valueOf(won.count()).divide(BigDecimal.valueOf(decided), 4, RoundingMode.HALF_EVEN);
        BigDecimal averageWon = won.count() == 0 ? null
                : won.amount().divide(BigDecimal.valueOf(won.count()), 2, RoundingMode.HALF_EVEN);
        return new Summary(null, null, open, new Totals(won.count(), won.amount(), null),
                new Totals(lost.count(), lost.amount(), null), winRate, averageWon, unconverted[0]);
    }

    /** The dimensions of {@code GET /api/pipeline/breakdown?by=}. */
    enum By {
        STAGE("stage", "d.stage"), REGION("region", "d.region"), OWNER("owner", "d.owner_id"),
        FORECAST_CATEGORY("forecast_category", "d.forecast_category"),
        CLOSING_MONTH("closing_month", "to_char(d.closing_date, 'YYYY-MM')");

        final String id;
        final String keySql;

        By(String id, String keySql) {
            this.id = id;
            this.keySql = keySql;
        }

        static Optional<By> of(String text) {
            for (By by : values()) {
                if (by.id.equals(text)) {
                    return Optional.of(by);
                }
            }
            return Optional.empty();
        }
    }

    Breakdown breakdown(ReadScope scope, DealFilters filters, By by) {
        return cachedFigures(new CacheKey("breakdown", scope, filters, by),
                today -> computeBreakdown(scope, filters, by, today),
                (context, rows) -> new Breakdown(context.currency(), by.id, filters.status(), rows));
    }

    private List<BreakdownRow> computeBreakdown(ReadScope scope, DealFilters filters, By by, LocalDate today) {
        DealQuery q = query(scope, filters, today);
        String label = by == By.OWNER ? "max(d.owner_name)" : "null";
        String order = by == By.CLOSING_MONTH ? "key asc nulls last" : "amount desc, key asc nulls last";
        return List.copyOf(jdbc.sql("select " + by.keySql + " as key, " + label + " as label, count(*) as n, "
                + "coalesce(sum(d.amount_reporting), 0) as amount, "
                + "coalesce(sum(d.weighted_amount_reporting), 0) as weighted from pipeline_deal d where " + q.where()
                + " group by 1 order by " + order).params(q.params())
                .query((rs, i) -> {
                    String key = rs.getString("key");
                    return new BreakdownRow(key, label(by, key, rs.getString("label")), rs.getLong("n"),
                            money(rs.getBigDecimal("amount")), money(rs.getBigDecimal("weighted")));
                }).list());
    }

    private static String label(By by, String key, String ownerName) {
        if (key == null) {
            return switch (by) {
                case CLOSING_MONTH -> "No closing date";
                case OWNER -> "No owner";
                case FORECAST_CATEGORY -> "No forecast category";
                default -> "None";
            };
        }
        return switch (by) {
            case OWNER -> ownerName == null || ownerName.isBlank() ? key : ownerName;
            case CLOSING_MONTH -> YearMonth.parse(key).format(MONTH_LABEL);
            default -> key;
        };
    }

    DealPage page(ReadScope scope, DealFilters filters, DealOrder order, DealCursor after, int limit) {
        if (after == null) {
            // First pages are what dashboards open with: kept like the figures, per data version and day (a deal's
            // health depends on both and nothing else), so the hot path is one small query. Later pages are read.
            return cached(firstPages, new CacheKey("deals", scope, filters, List.of(order, limit)),
                    today -> readPage(scope, filters, order, null, limit, today), (context, page) -> page);
        }
        return readOnly.execute(tx -> {
            // The currency check in the transaction of the rows it vouches for (no extra round trip).
            context();
            return readPage(scope, filters, order, after, limit, today());
        });
    }

    private DealPage readPage(ReadScope scope, DealFilters filters, DealOrder order, DealCursor after, int limit,
            LocalDate today) {
        DealQuery q = query(scope, filters, today);
        String sortKey = sortKey(order);
        String direction = order.descending() ? "desc" : "asc";
        if (after != null) {
            q.and("(" + sortKey + ", d.id) " + (order.descending() ? "<" : ">") + " (cast(:after_value as "
                    + sortType(order) + "), :after_id)", "after_value", after.value());
            q.params().put("after_id", after.id());
        }
        q.params().put("limit", limit + 1);
        List<Row> rows = jdbc.sql("select " + DEAL_COLUMNS + ", " + sortKey + " as sort_value from pipeline_deal d "
                + "where " + q.where() + " order by " + sortKey + " " + direction + ", d.id " + direction
                + " limit :limit").params(q.params()).query((rs, i) -> row(rs, today)).list();
        boolean more = rows.size() > limit;
        List<Row> served = more ? rows.subList(0, limit) : rows;
        String next = null;
        if (more) {
            Row last = served.get(limit - 1);
            next = new DealCursor(order, last.sortValue(), last.view().id()).encode();
        }
        return new DealPage(served.stream().map(Row::view).toList(), next);
    }

    Optional<DealDetail> deal(ReadScope scope, String id) {
        LocalDate today = today();
        DealQuery q = query(scope, DealFilters.NONE, today).and("d.id = :id", "id", id);
        return jdbc.sql("select " + DEAL_COLUMNS + ", null as sort_value from pipeline_deal d where " + q.where())
                .params(q.params()).query((rs, i) -> {
                    Row row = row(rs, today);
                    return new DealDetail(row.view(), rs.getBigDecimal("exchange_rate"),
                            rs.getString("reporting_currency"), rs.getString("account_id"),
                            instant(rs, "created_time"),
                            new Milestones(date(rs, "proposal_date"), date(rs, "po_date"), date(rs, "kickoff_date"),
                                    date(rs, "invoice_date"), date(rs, "payment_date"),
                                    date(rs, "revenue_recognition_date")));
                }).optional();
    }

    O2r o2r(ReadScope scope, DealFilters filters) {
        return cachedFigures(new CacheKey("o2r", scope, filters, null), today -> computeO2r(scope, filters, today),
                (context, o2r) -> new O2r(context.currency(), o2r.phases(), o2r.health(), o2r.attention()));
    }

    private O2r computeO2r(ReadScope scope, DealFilters filters, LocalDate today) {
        DealQuery q = query(scope, filters, today);
        long[] counts = new long[4];
        BigDecimal[] amounts = {money(null), money(null), money(null), money(null)};
        jdbc.sql("select d.o2r_phase as phase, count(*) as n, coalesce(sum(d.amount_reporting), 0) as amount "
                + "from pipeline_deal d where " + q.where() + " and d.status <> 'lost' group by d.o2r_phase")
                .params(q.params()).query(rs -> {
                    int phase = rs.getInt("phase");
                    counts[phase - 1] = rs.getLong("n");
                    amounts[phase - 1] = money(rs.getBigDecimal("amount"));
                });
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            phases.add(new Phase(i + 1, PHASE_NAMES.get(i), counts[i], amounts[i]));
        }
        Map<String, Long> byHealth = new HashMap<>();
        jdbc.sql("select h.health, count(*) as n from (select " + healthSql.level() + " as health from "
                + "pipeline_deal d where " + q.where() + ") h where h.health is not null group by h.health")
                .params(q.params()).query(rs -> {
                    byHealth.put(rs.getString("health"), rs.getLong("n"));
                });
        HealthCounts health = new HealthCounts(byHealth.getOrDefault("RED", 0L), byHealth.getOrDefault("YELLOW", 0L),
                byHealth.getOrDefault("NEEDS_UPDATE", 0L), byHealth.getOrDefault("GREEN", 0L));
        q.params().put("limit", ATTENTION_LIMIT);
        List<DealView> attention = jdbc.sql("select " + DEAL_COLUMNS + ", null as sort_value from ("
                + "select d.*, " + healthSql.level() + " as health from pipeline_deal d where " + q.where()
                + ") d where d.health in ('RED', 'YELLOW') order by d.health = 'RED' desc, "
                + "d.amount_reporting desc, d.id limit :limit").params(q.params())
                .query((rs, i) -> row(rs, today).view()).list();
        return new O2r(null, List.copyOf(phases), health, List.copyOf(attention));
    }

    /**
     * Streams every deal the filters select to {@code sink}, in {@code order}, row by row as PostgreSQL sends them
     * (a cursor with a fetch size inside a read-only transaction): memory does not grow with the number of deals.
     */
    void stream(ReadScope scope, DealFilters filters, DealOrder order, DealSink sink) {
        readOnly.executeWithoutResult(tx -> {
            LocalDate today = today();
            DealQuery q = query(scope, filters, today);
            String sortKey = sortKey(order);
            String direction = order.descending() ? "desc" : "asc";
            streaming.sql("select " + DEAL_COLUMNS + ", null as sort_value from pipeline_deal d where " + q.where()
                    + " order by " + sortKey + " " + direction + ", d.id " + direction).params(q.params())
                    .query(rs -> {
                        try {
                            sink.accept(row(rs, today).view());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        });
    }

    /**
     * 503 {@code pipeline-currency-pending} when the stored amounts are in another currency than the reporting
     * currency asks (the setting changed and no sync has re-converted them yet); called before a CSV starts.
     */
    void requireStoredCurrency() {
        context();
    }

    /** Receives the deals of {@link #stream}. */
    @FunctionalInterface
    interface DealSink {
        void accept(DealView deal) throws IOException;
    }

    /**
     * What every figure is read with, in one round trip: the data version (the cache key), the reporting currency
     * and when the last successful sync finished.
     */
    private Context context() {
        Context context = jdbc.sql("""
                select (select v.version from pipeline_data_version v where v.id = 1) as version,
                       (select case when s.home_currency = :r or exists (select 1 from pipeline_currency_rate c
                                        where c.snapshot_id = s.id and c.iso_code = :r) then :r else s.home_currency end
                        from pipeline_currency_snapshot s order by s.taken_at desc, s.id desc limit 1) as currency,
                       (select st.conversion_basis ->> 'reporting_currency' from pipeline_sync_state st
                         where st.id = 1) as stored_currency,
                       (select max(r.finished_at) from pipeline_sync_run r where r.outcome = 'succeeded') as as_of""")
                .param("r", reportingCurrency)
                .query((rs, i) -> new Context(rs.getLong("version"),
                        rs.getString("currency") == null ? reportingCurrency : rs.getString("currency"),
                        rs.getString("stored_currency"), instant(rs, "as_of"))).single();
        if (context.storedCurrency() != null && !context.storedCurrency().equals(context.currency())) {
            // The configured reporting currency changed since the amounts were stored: never label or mix them.
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, "60");
            throw new ApiProblemException("pipeline-currency-pending", "Amounts not yet in the reporting currency",
                    503, "The stored amounts are in " + context.storedCurrency() + " but the reporting currency is "
                    + context.currency() + "; the next sync converts them (an admin can start it now: "
                    + "POST /api/admin/pipeline/sync).", Map.of("stored_currency", context.storedCurrency(),
                            "reporting_currency", context.currency()), headers);
        }
        return context;
    }

    /**
     * @param currency       {@code pipelinepulse.pipeline.reporting-currency} when it is the home currency or one of
     *                       the org's currencies in the latest snapshot, else the home currency (PIPELINE.md)
     * @param storedCurrency what the stored amounts are converted to (the sync's conversion basis; null before
     *                       the first run records one)
     * @param asOf           when the last successful sync finished, or null before the first one
     */
    private record Context(long version, String currency, String storedCurrency, Instant asOf) {
    }

    /** Figures of one kind ({@code detail}: e.g. the breakdown dimension) for one scope and filters. */
    private record CacheKey(String kind, ReadScope scope, DealFilters filters, Object detail) {
    }

    /** The cache key of {@code figures} on {@code today} at data {@code version}. */
    private record VersionedKey(CacheKey figures, LocalDate today, long version) {
    }

    /**
     * The figures from the cache when they were computed for today and the current data version, else computed
     * by {@code compute} (given today) and kept; {@code answer} adds what is read every time (currency, as_of).
     * A hit costs one small query (the context: version and currency read in one statement, so one snapshot).
     * A miss reads the context again and computes the figures in one read-only repeatable-read transaction, the
     * context first: the figures, the version they are filed under and the currency they are labelled with all
     * belong to one snapshot, so a sync committing a new conversion basis meanwhile can neither get new-basis
     * amounts labelled with the old currency nor file them under the old version. (The basis is stored in the
     * transaction that re-converts the deals, which bumps the version: one version, one currency.)
     */
    private <T, R> R cachedFigures(CacheKey key, Function<LocalDate, T> compute, BiFunction<Context, T, R> answer) {
        return cached(cache, key, compute, answer);
    }

    @SuppressWarnings("unchecked")
    private <T, R> R cached(Cache<VersionedKey, Object> in, CacheKey key, Function<LocalDate, T> compute,
            BiFunction<Context, T, R> answer) {
        Context context = context();
        LocalDate today = today();
        T hit = (T) in.getIfPresent(new VersionedKey(key, today, context.version()));
        if (hit != null) {
            return answer.apply(context, hit);
        }
        return snapshot.execute(tx -> {
            Context now = context();
            T figures = (T) in.get(new VersionedKey(key, today, now.version()), k -> compute.apply(today));
            return answer.apply(now, figures);
        });
    }

    private static String sortKey(DealOrder order) {
        return switch (order.key()) {
            case AMOUNT -> "d.amount_reporting";
            // Deals without a date come last in both directions.
            case CLOSING_DATE -> "coalesce(d.closing_date, '" + (order.descending() ? "-" : "") + "infinity'::date)";
            case MODIFIED -> "coalesce(d.modified_time, '" + (order.descending() ? "-" : "")
                    + "infinity'::timestamptz)";
        };
    }

    private static String sortType(DealOrder order) {
        return switch (order.key()) {
            case AMOUNT -> "numeric";
            case CLOSING_DATE -> "date";
            case MODIFIED -> "timestamptz";
        };
    }

    private record Row(DealView view, String sortValue) {
    }

    private Row row(ResultSet rs, LocalDate today) throws SQLException {
        String status = rs.getString("status");
        int phase = rs.getInt("o2r_phase");
        boolean realized = rs.getBoolean("realized");
        Integer probability = (Integer) rs.getObject("probability");
        LocalDate closing = date(rs, "closing_date");
        Instant modified = instant(rs, "modified_time");
        DealHealth health = evaluator.evaluate(new HealthInput(status, phase, realized, probability, closing,
                date(rs, "proposal_date"), date(rs, "po_date"), date(rs, "kickoff_date"), date(rs, "invoice_date"),
                date(rs, "payment_date"), modified == null ? null : LocalDate.ofInstant(modified, ZoneOffset.UTC)),
                today);
        BigDecimal amount = rs.getBigDecimal("amount");
        DealView view = new DealView(rs.getString("id"), rs.getString("name"), rs.getString("account_name"),
                new DealView.Owner(rs.getString("owner_id"), rs.getString("owner_name")), rs.getString("stage"), status,
                probability, closing, rs.getString("currency"), amount == null ? null : money(amount),
                money(rs.getBigDecimal("amount_reporting")), money(rs.getBigDecimal("weighted_amount_reporting")),
                rs.getString("region"), rs.getString("forecast_category"), phase, realized, health.health(),
                health.reasonIds(), modified);
        return new Row(view, sortValue(rs));
    }

    private static String sortValue(ResultSet rs) throws SQLException {
        String text = rs.getString("sort_value");
        if (text == null || text.equals("infinity") || text.equals("-infinity")) {
            return text;
        }
        Object value = rs.getObject("sort_value");
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Timestamp) {
            return rs.getObject("sort_value", OffsetDateTime.class).toInstant().toString();
        }
        return text; // a date, YYYY-MM-DD
    }

    static BigDecimal money(BigDecimal value) {
        return (value == null ? BigDecimal.ZERO : value).setScale(2, RoundingMode.HALF_EVEN);
    }

    private static LocalDate date(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, LocalDate.class);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

}
