package com.pipelinepulse.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The Zoho CRM side of the pipeline on the stand-in (its README, "CRM: deals"): one organisation's Deals, the
 * deleted-records list and the org currencies, held in memory and served the way ZOHO.md says CRM v8 does:
 * <ul>
 *   <li>{@code GET B/api/<loc>/crm/v8/Deals}: {@code fields} required, {@code per_page} up to 200, sorted by
 *   {@code Modified_Time} (or {@code id}) ascending; {@code page} only within the first 2,000 records (beyond:
 *   400 {@code DISCRETE_PAGINATION_LIMIT_EXCEEDED}), {@code page_token} from {@code info.next_page_token} after;
 *   both at once: 400. {@code If-Modified-Since}: only records modified after it, 304 when none; an empty
 *   module: 204.</li>
 *   <li>{@code GET .../crm/v8/Deals/deleted?type=all}: {@code id}, {@code deleted_time}, {@code deleted_by}, newest
 *   first, with {@code If-Modified-Since} and {@code page}.</li>
 *   <li>{@code GET .../crm/v8/org/currencies}: {@code exchange_rate} as strings, one {@code is_base}.</li>
 * </ul>
 * Every call needs {@code Authorization: Zoho-oauthtoken 1000.<32 hex>.<marker>}, an access token of one of the
 * stand-in's users (any of them: one org), else 401 {@code INVALID_TOKEN}. Tests change the data ({@link #put}, {@link #modify}, {@link #delete}), queue faults for
 * a given Deals page ({@link #failDealsPage}) and read what was asked ({@link #calls}).
 *
 * <p>Bodies are served as bytes, so the stand-in's global response templating leaves them alone.
 */
public final class ZohoCrmPipeline implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "zoho-crm-pipeline";

    /** An access token of one of the stand-in's users (README: markers ...a001 to ...a006). */
    private static final Pattern TOKEN = Pattern.compile("Zoho-oauthtoken 1000\\.[0-9a-f]{32}\\.0{28}a00[1-6]");
    private static final Pattern PATH = Pattern.compile("/api/[a-z]{2}/crm/v8/(Deals|Deals/deleted|org/currencies)");
    private static final int PAGE_LIMIT = 2000;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One deal as stored: its id, its Modified_Time and the record as served. */
    private record Deal(String id, Instant modified, ObjectNode record) {
    }

    private record Deletion(String id, Instant deletedTime) {
    }

    /** One call as the stand-in saw it. */
    public record Call(String endpoint, Integer page, String pageToken, String ifModifiedSince, int status) {
    }

    /**
     * A fault a Deals page answers with (once per queued fault); {@code before}, when set, runs just before the page
     * is served (e.g. a user changing a deal in Zoho while a sync reads it).
     */
    public record Fault(int status, String body, Long retryAfterSeconds, int delayMillis, Runnable before) {

        public Fault(int status, String body, Long retryAfterSeconds, int delayMillis) {
            this(status, body, retryAfterSeconds, delayMillis, null);
        }

        /** The normal answer, after {@code change} happened in Zoho. */
        public static Fault after(Runnable change) {
            return new Fault(0, null, null, 0, change);
        }

        /** HTTP 429 {@code TOO_MANY_REQUESTS} with {@code Retry-After}. */
        public static Fault tooManyRequests(long retryAfterSeconds) {
            return new Fault(429, """
                    {"code":"TOO_MANY_REQUESTS","details":{},"message":"API credits exhausted","status":"error"}""",
                    retryAfterSeconds, 0);
        }

        /** Zoho's throttle body (HTTP 400, {@code Access Denied}), no {@code Retry-After}. */
        public static Fault throttleBody() {
            return new Fault(400, """
                    {"error":"Access Denied","error_description":"You have made too many requests continuously. \
                    Please try again after some time.","status":"failure"}""", null, 0);
        }

        /** HTTP 500 {@code INTERNAL_ERROR}. */
        public static Fault serverError() {
            return new Fault(500, """
                    {"code":"INTERNAL_ERROR","details":{},"message":"Internal Server Error","status":"error"}""",
                    null, 0);
        }

        /** The normal answer, late. */
        public static Fault delay(int millis) {
            return new Fault(0, null, null, millis);
        }
    }

    private final Object lock = new Object();
    private final Map<String, Deal> deals = new HashMap<>();
    private final NavigableSet<Deal> byModified = new TreeSet<>(
            Comparator.comparing(Deal::modified).thenComparing(Deal::id));
    private final List<Deletion> deletions = new ArrayList<>();
    private final Map<String, String> currencies = new LinkedHashMap<>();
    private String homeCurrency = "USD";
    private final Map<Integer, Deque<Fault>> dealsPageFaults = new HashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private Instant clock = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(400, ChronoUnit.DAYS);

    public ZohoCrmPipeline() {
        currencies("USD", Map.of("SGD", "1.341200000", "INR", "83.123400000", "EUR", "0.921100000",
                "GBP", "0.789000000", "AUD", "1.523000000", "JPY", "149.870000000"));
    }

    /** Where benchmarks change deals in a stand-in of their own process: {@code POST ...?count=N}. */
    public static final String TOUCH_PATH = "/__stand-in/deals/touch";

    /**
     * Registers the stubs that send every Deals, deleted and currencies call here, and {@link #TOUCH_PATH}, which
     * modifies the {@code count} least recently modified deals (their stage and Modified_Time) for benchmarks.
     */
    public void stubOn(WireMockServer server) {
        server.stubFor(get(urlPathMatching(PATH.pattern())).atPriority(1)
                .willReturn(aResponse().withTransformers(NAME)));
        server.stubFor(post(urlPathEqualTo(TOUCH_PATH)).atPriority(1)
                .willReturn(aResponse().withTransformers(NAME)));
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    // ----- data ------------------------------------------------------------------------------------------------

    /** Forgets every deal, deletion, queued fault and recorded call; currencies back to the defaults. */
    public void reset() {
        synchronized (lock) {
            deals.clear();
            byModified.clear();
            deletions.clear();
            dealsPageFaults.clear();
            calls.clear();
            currencies.clear();
        }
        currencies("USD", Map.of("SGD", "1.341200000", "INR", "83.123400000", "EUR", "0.921100000",
                "GBP", "0.789000000", "AUD", "1.523000000", "JPY", "149.870000000"));
    }

    /** The org's currencies: the home currency and the others' rates (1 home = rate units), as Zoho's strings. */
    public void currencies(String home, Map<String, String> rates) {
        synchronized (lock) {
            homeCurrency = home;
            currencies.clear();
            currencies.put(home, "1.000000000");
            currencies.putAll(rates);
        }
    }

    /**
     * Adds or replaces a deal. Its {@code Modified_Time} is the record's own when it has one, else the stand-in's
     * clock (each change one second after the previous one).
     */
    public void put(Map<String, Object> fields) {
        ObjectNode record = JSON.valueToTree(fields);
        synchronized (lock) {
            Instant modified = record.hasNonNull("Modified_Time")
                    ? OffsetDateTime.parse(record.get("Modified_Time").asText()).toInstant() : tick();
            store(record, modified);
        }
    }

    /** Changes a deal as a user in Zoho would: its {@code Modified_Time} becomes the stand-in's next second. */
    public void modify(String id, Consumer<ObjectNode> change) {
        synchronized (lock) {
            Deal deal = deals.get(id);
            if (deal == null) {
                throw new IllegalArgumentException("no deal " + id + " on the stand-in");
            }
            ObjectNode record = deal.record().deepCopy();
            change.accept(record);
            store(record, tick());
        }
    }

    /** Deletes a deal: it leaves Deals and joins the deleted list at the stand-in's next second. */
    public void delete(String id) {
        synchronized (lock) {
            Deal deal = deals.remove(id);
            if (deal == null) {
                throw new IllegalArgumentException("no deal " + id + " on the stand-in");
            }
            byModified.remove(deal);
            deletions.add(new Deletion(id, tick()));
        }
    }

    /** Removes a deal without a deleted-list entry (purged past Zoho's retention): only a full run notices. */
    public void purge(String id) {
        synchronized (lock) {
            Deal deal = deals.remove(id);
            if (deal != null) {
                byModified.remove(deal);
            }
        }
    }

    /** The ids of the deals Zoho has now, in Deals order. */
    public List<String> dealIds() {
        synchronized (lock) {
            return byModified.stream().map(Deal::id).toList();
        }
    }

    /** A deal's record as served (a copy). */
    public ObjectNode record(String id) {
        synchronized (lock) {
            return deals.get(id).record().deepCopy();
        }
    }

    /** The next Deals request for this page (1-based: {@code page=N}, or the token that stands for it) fails so. */
    public void failDealsPage(int page, Fault fault) {
        synchronized (lock) {
            dealsPageFaults.computeIfAbsent(page, p -> new ArrayDeque<>()).add(fault);
        }
    }

    /** Every call since the last {@link #reset} or {@link #clearCalls}, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public void clearCalls() {
        calls.clear();
    }

    /** How many calls went to an endpoint: {@code Deals}, {@code Deals/deleted} or {@code org/currencies}. */
    public long callsTo(String endpoint) {
        return calls.stream().filter(c -> c.endpoint().equals(endpoint)).count();
    }

    private void store(ObjectNode record, Instant modified) {
        String id = record.get("id").asText();
        record.put("Modified_Time", format(modified));
        Deal old = deals.get(id);
        if (old != null) {
            byModified.remove(old);
        }
        Deal deal = new Deal(id, modified, record);
        deals.put(id, deal);
        byModified.add(deal);
    }

    private Instant tick() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        clock = now.isAfter(clock) ? now : clock.plusSeconds(1);
        return clock;
    }

    // ----- generator -------------------------------------------------------------------------------------------

    /**
     * Adds {@code count} varied deals (seeded, so the same seed gives the same deals): every stage, seven
     * currencies with Zoho-like per-deal rates, some without amount, owners among the stand-in's users and
     * strangers, region values that map (regions, countries, codes), that do not ({@code USA}) and none, O2R
     * milestones at every phase, Modified_Time spread over the past year (all before now).
     */
    public void generate(int count, long seed) {
        Random random = new Random(seed);
        String[] stages = {"Qualification", "Needs Analysis", "Value Proposition", "Proposal/Price Quote",
            "Negotiation/Review", "Closed Won", "Closed Lost", "Closed-Lost to Competition"};
        int[] probabilities = {10, 20, 40, 60, 80, 100, 0, 0};
        String[] currencyCodes = {"USD", "SGD", "INR", "EUR", "GBP", "AUD", "JPY"};
        String[][] owners = {{"7000000000000001", "Ada Admin", "ada.admin@example.com"},
            {"7000000000000002", "Mia Manager", "mia.manager@example.com"},
            {"7000000000000003", "Erik Viewer", "erik.viewer@example.com"},
            {"7000000000000004", "Priya Viewer", "priya.viewer@example.com"},
            {"7000000000000005", "Oliver Viewer", "oliver.viewer@example.com"},
            {"7000000000000006", "Yuki Viewer", "yuki.viewer@example.com"},
            {"7000000000000077", "Sam Stranger", "sam.stranger@example.com"}};
        String[] regions = {"AMER", "EMEA", "APAC", "Germany", "IN", "United States", "USA", "", null};
        String[] categories = {"Pipeline", "Best Case", "Commit", "Closed", "Omitted"};
        Instant newest = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        synchronized (lock) {
            int start = deals.size();
            for (int i = 0; i < count; i++) {
                int n = start + i;
                int stage = random.nextInt(stages.length);
                String currency = currencyCodes[random.nextInt(currencyCodes.length)];
                String[] owner = owners[random.nextInt(owners.length)];
                ObjectNode r = JSON.createObjectNode();
                r.put("id", Long.toString(4876876000000000000L + n));
                r.put("Deal_Name", "Deal " + n + " " + stages[stage].split("[ /]")[0]);
                if (random.nextInt(20) == 0) {
                    r.putNull("Amount");
                } else {
                    r.put("Amount", BigDecimal.valueOf(random.nextInt(50_000_000), 2).add(BigDecimal.valueOf(500)));
                }
                r.put("Currency", currency);
                BigDecimal orgRate = new BigDecimal(currencies.getOrDefault(currency, "1"));
                BigDecimal drift = BigDecimal.ONE.add(BigDecimal.valueOf(random.nextInt(61) - 30, 3));
                r.put("Exchange_Rate", currency.equals(homeCurrency) ? BigDecimal.ONE
                        : orgRate.multiply(drift).setScale(9, RoundingMode.HALF_EVEN));
                r.put("Stage", stages[stage]);
                r.put("Probability", probabilities[stage]);
                r.put("Closing_Date", today.plusDays(random.nextInt(540) - 270).toString());
                ObjectNode o = r.putObject("Owner");
                o.put("id", owner[0]).put("name", owner[1]).put("email", owner[2]);
                ObjectNode a = r.putObject("Account_Name");
                a.put("id", Long.toString(3000000000000000L + random.nextInt(5000)))
                        .put("name", "Account " + random.nextInt(5000));
                r.put("Forecast_Category__s", categories[random.nextInt(categories.length)]);
                String region = regions[random.nextInt(regions.length)];
                if (region == null) {
                    r.putNull("Region");
                } else {
                    r.put("Region", region);
                }
                int phase = random.nextInt(5);
                LocalDate proposal = today.minusDays(10 + random.nextInt(200));
                r.put("Proposal_Submission_date", phase >= 1 ? proposal.toString() : null);
                r.put("PO_Generation_Date", phase >= 2 ? proposal.plusDays(5 + random.nextInt(30)).toString() : null);
                r.put("Kick_off_Date", phase >= 2 && random.nextBoolean() ? proposal.plusDays(40).toString() : null);
                r.put("Invoice_Date", phase >= 3 ? proposal.plusDays(60).toString() : null);
                r.put("Payment_Date", phase >= 3 && random.nextBoolean() ? proposal.plusDays(90).toString() : null);
                r.put("OB_Recognition_Date", phase >= 4 ? proposal.plusDays(100).toString() : null);
                Instant modified = newest.minusSeconds(random.nextInt(365 * 24 * 3600));
                r.put("Created_Time", format(modified.minus(random.nextInt(200), ChronoUnit.DAYS)));
                store(r, modified);
            }
        }
    }

    // ----- serving ---------------------------------------------------------------------------------------------

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String path = request.getUrl().split("\\?", 2)[0];
        if (path.equals(TOUCH_PATH)) {
            int count = Math.max(0, intOr(query(request, "count"), 0));
            List<String> oldest;
            synchronized (lock) {
                oldest = byModified.stream().limit(count).map(Deal::id).toList();
            }
            oldest.forEach(id -> modify(id, r -> r.put("Stage", "Negotiation/Review")));
            return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(("{\"touched\":" + oldest.size() + "}").getBytes(StandardCharsets.UTF_8)).build();
        }
        String endpoint = path.substring(path.indexOf("/crm/v8/") + "/crm/v8/".length());
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !TOKEN.matcher(authorization).matches()) {
            return answer(endpoint, null, null, null, 401, error("INVALID_TOKEN", "invalid oauth token"), null, 0);
        }
        return switch (endpoint) {
            case "Deals" -> deals(request);
            case "Deals/deleted" -> deleted(request);
            default -> currencies();
        };
    }

    private ResponseDefinition deals(Request request) {
        String ifModifiedSince = request.getHeader("If-Modified-Since");
        String fields = query(request, "fields");
        String pageParam = query(request, "page");
        String token = query(request, "page_token");
        int perPage = intOr(query(request, "per_page"), 200);
        if (fields == null || fields.isBlank()) {
            return answer("Deals", null, token, ifModifiedSince, 400, error("REQUIRED_PARAM_MISSING",
                    "One of the expected parameter is missing"), null, 0);
        }
        if (pageParam != null && token != null) {
            return answer("Deals", null, token, ifModifiedSince, 400, error("INVALID_REQUEST",
                    "page and page_token cannot be given together"), null, 0);
        }
        if (perPage < 1 || perPage > 200) {
            return answer("Deals", null, token, ifModifiedSince, 400, error("INVALID_DATA", "per_page"), null, 0);
        }
        int page = intOr(pageParam, 1);
        int offset;
        if (token != null) {
            offset = tokenOffset(token);
            if (offset < 0) {
                return answer("Deals", null, token, ifModifiedSince, 400, error("INVALID_DATA", "page_token"), null,
                        0);
            }
            page = offset / perPage + 1;
        } else {
            offset = (page - 1) * perPage;
            if (page < 1 || offset + perPage > PAGE_LIMIT) {
                return answer("Deals", page, null, ifModifiedSince, 400, error("DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                        "cannot fetch more than 2000 records with page; use page_token"), null, 0);
            }
        }
        Fault fault;
        synchronized (lock) {
            Deque<Fault> queued = dealsPageFaults.get(page);
            fault = queued == null ? null : queued.poll();
        }
        if (fault != null && fault.status() != 0) {
            return answer("Deals", pageParam == null ? null : page, token, ifModifiedSince, fault.status(),
                    fault.body(), fault.retryAfterSeconds(), fault.delayMillis());
        }
        if (fault != null && fault.before() != null) {
            fault.before().run();
        }
        int delay = fault == null ? 0 : fault.delayMillis();
        Instant since = parse(ifModifiedSince);
        List<ObjectNode> slice = new ArrayList<>(perPage);
        boolean more;
        int total;
        synchronized (lock) {
            NavigableSet<Deal> view = since == null ? byModified
                    : byModified.tailSet(new Deal("", since.plusSeconds(1), null), true);
            total = view.size();
            Iterator<Deal> it = view.iterator();
            for (int skipped = 0; skipped < offset && it.hasNext(); skipped++) {
                it.next();
            }
            while (slice.size() < perPage && it.hasNext()) {
                slice.add(it.next().record());
            }
            more = offset + slice.size() < total;
        }
        if (total == 0) {
            int status = since == null ? 204 : 304;
            return answer("Deals", pageParam == null ? null : page, token, ifModifiedSince, status, null, null, delay);
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        slice.forEach(data::add);
        ObjectNode info = body.putObject("info");
        info.put("per_page", perPage).put("count", slice.size()).put("more_records", more)
                .put("sort_by", "Modified_Time").put("sort_order", "asc");
        if (token == null) {
            info.put("page", page);
        }
        if (more) {
            info.put("next_page_token", token(offset + slice.size()));
            info.put("page_token_expiry", format(Instant.now().plus(1, ChronoUnit.DAYS)));
        }
        return answer("Deals", pageParam == null ? null : page, token, ifModifiedSince, 200, write(body), null,
                delay);
    }

    private ResponseDefinition deleted(Request request) {
        String ifModifiedSince = request.getHeader("If-Modified-Since");
        int page = intOr(query(request, "page"), 1);
        int perPage = intOr(query(request, "per_page"), 200);
        Instant since = parse(ifModifiedSince);
        List<Deletion> matching;
        synchronized (lock) {
            matching = deletions.stream().filter(d -> since == null || d.deletedTime().isAfter(since))
                    .sorted(Comparator.comparing(Deletion::deletedTime).reversed()).toList();
        }
        if (matching.isEmpty()) {
            return answer("Deals/deleted", page, null, ifModifiedSince, since == null ? 204 : 304, null, null, 0);
        }
        int from = Math.min(matching.size(), (page - 1) * perPage);
        int to = Math.min(matching.size(), from + perPage);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        for (Deletion d : matching.subList(from, to)) {
            ObjectNode entry = data.addObject();
            entry.put("id", d.id()).put("display_name", "Deal " + d.id()).put("type", "recycle")
                    .put("deleted_time", format(d.deletedTime()));
            entry.putObject("deleted_by").put("id", "7000000000000002").put("name", "Mia Manager");
        }
        body.putObject("info").put("per_page", perPage).put("count", to - from).put("page", page)
                .put("more_records", to < matching.size());
        return answer("Deals/deleted", page, null, ifModifiedSince, 200, write(body), null, 0);
    }

    private ResponseDefinition currencies() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("currencies");
        synchronized (lock) {
            int n = 0;
            for (Map.Entry<String, String> c : currencies.entrySet()) {
                ObjectNode entry = list.addObject();
                entry.put("id", "9100000000000" + (++n)).put("iso_code", c.getKey()).put("symbol", c.getKey())
                        .put("name", c.getKey()).put("exchange_rate", c.getValue())
                        .put("is_base", c.getKey().equals(homeCurrency)).put("is_active", true);
            }
        }
        return answer("org/currencies", null, null, null, 200, write(body), null, 0);
    }

    private ResponseDefinition answer(String endpoint, Integer page, String token, String ifModifiedSince, int status,
            String body, Long retryAfterSeconds, int delayMillis) {
        calls.add(new Call(endpoint, page, token, ifModifiedSince, status));
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition().withStatus(status);
        if (body != null) {
            response.withHeader("Content-Type", "application/json;charset=UTF-8")
                    .withBody(body.getBytes(StandardCharsets.UTF_8));
        }
        if (retryAfterSeconds != null) {
            response.withHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        if (delayMillis > 0) {
            response.withFixedDelay(delayMillis);
        }
        return response.build();
    }

    private static String error(String code, String message) {
        return "{\"code\":\"" + code + "\",\"details\":{},\"message\":\"" + message + "\",\"status\":\"error\"}";
    }

    private static String query(Request request, String name) {
        QueryParameter parameter = request.queryParameter(name);
        return parameter == null || !parameter.isPresent() ? null : parameter.firstValue();
    }

    private static int intOr(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Instant parse(String ifModifiedSince) {
        if (ifModifiedSince == null || ifModifiedSince.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(ifModifiedSince.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String token(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("stand-in:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int tokenOffset(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            return decoded.startsWith("stand-in:") ? Integer.parseInt(decoded.substring(9)) : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    static String format(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx"));
    }

    private static String write(ObjectNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
