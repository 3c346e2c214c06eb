package com.pipelinepulse.pipeline;

import static com.pipelinepulse.pipeline.PipelineSeed.live;
import static com.pipelinepulse.pipeline.PipelineSeed.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.pipeline.PipelineSeed.Seed;
import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestSessions.SignedIn;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Every figure of the pipeline routes against values worked out by hand from the seeded deals
 * ({@link PipelineSeed}): summary, each breakdown, the deal list and its pages, one deal, the O2R phases and
 * health counts, and the CSV rows, to the cent, for each role's scope. Seeded through the sync's storage path.
 */
@IntegrationTest
class PipelineFiguresIntegrationTests extends SeededPipelineTests {

    /** What each caller may see: admins and managers every live deal, a viewer their region's. */
    private List<Seed> visibleTo(SignedIn who) {
        if (who == callers.emeaViewer) {
            return live(d -> d.region().equals("EMEA"));
        }
        if (who == callers.apacViewer) {
            return live(d -> d.region().equals("APAC"));
        }
        return live();
    }

    // --- summary -----------------------------------------------------------------------------------------------

    @Test
    void theSummaryOfEveryRoleIsTheSumOfItsDealsToTheCent() throws Exception {
        for (SignedIn who : callers.everyone()) {
            JsonNode summary = json(get("/api/pipeline/summary"), who);
            assertSummary(summary, visibleTo(who));
        }
        // Spot check against figures worked out on paper for the admin:
        JsonNode all = json(get("/api/pipeline/summary"), callers.admin);
        assertThat(all.path("currency").asText()).isEqualTo("SGD");
        assertThat(all.path("lost").path("count").asLong()).isEqualTo(2);
        // 5000 USD × 1.34 = 6700.00; 8000 GBP / 0.79 × 1.34 = 13569.62
        assertThat(all.path("lost").path("amount").toString()).isEqualTo("20269.62");
        // won: 9003, 9006, 9010, 9012 of 4 + 2 decided: 0.6667
        assertThat(all.path("win_rate").toString()).isEqualTo("0.6667");
    }

    @Test
    void theSummaryAppliesEveryFilter() throws Exception {
        Map<String, Predicate<Seed>> filters = new LinkedHashMap<>();
        filters.put("region=EMEA", d -> d.region().equals("EMEA"));
        filters.put("region=unassigned", d -> d.region().equals("UNASSIGNED"));
        filters.put("owner_id=1001", d -> d.ownerId().equals("1001"));
        filters.put("stage=negotiation", d -> d.stage().equals("Negotiation"));
        filters.put("status=open", d -> d.status().equals("open"));
        filters.put("health=GREEN", d -> "GREEN".equals(d.health()));
        filters.put("health=red", d -> "RED".equals(d.health()));
        filters.put("closing_from=2026-03-01&closing_to=2026-03-31", d -> d.closingDate() != null
                && !d.closingDate().isBefore(LocalDate.of(2026, 3, 1))
                && !d.closingDate().isAfter(LocalDate.of(2026, 3, 31)));
        filters.put("closing_to=2026-02-28", d -> d.closingDate() != null
                && !d.closingDate().isAfter(LocalDate.of(2026, 2, 28)));
        filters.put("q=CORP", d -> d.name().toLowerCase().contains("corp") || d.account().toLowerCase().contains("corp"));
        filters.put("q=inITrode", d -> d.account().toLowerCase().contains("initrode")
                || d.name().toLowerCase().contains("initrode"));
        filters.put("q=%25", d -> false);
        filters.put("status=won&region=APAC", d -> d.status().equals("won") && d.region().equals("APAC"));
        for (Map.Entry<String, Predicate<Seed>> filter : filters.entrySet()) {
            List<Seed> expected = live(filter.getValue());
            assertThat(expected).as(filter.getKey()).isNotNull();
            JsonNode summary = json(get("/api/pipeline/summary?" + filter.getKey()), callers.manager);
            assertSummary(summary, expected);
        }
    }

    private static void assertSummary(JsonNode summary, List<Seed> deals) {
        List<Seed> open = deals.stream().filter(d -> d.status().equals("open")).toList();
        List<Seed> won = deals.stream().filter(d -> d.status().equals("won")).toList();
        List<Seed> lost = deals.stream().filter(d -> d.status().equals("lost")).toList();
        assertThat(summary.path("open").path("count").asLong()).isEqualTo(open.size());
        assertMoney(summary.path("open").path("amount"), sum(open, Seed::amountReporting));
        assertMoney(summary.path("open").path("weighted_amount"), sum(open, Seed::weighted));
        assertThat(summary.path("won").path("count").asLong()).isEqualTo(won.size());
        assertMoney(summary.path("won").path("amount"), sum(won, Seed::amountReporting));
        assertThat(summary.path("lost").path("count").asLong()).isEqualTo(lost.size());
        assertMoney(summary.path("lost").path("amount"), sum(lost, Seed::amountReporting));
        if (won.isEmpty() && lost.isEmpty()) {
            assertThat(summary.path("win_rate").isNull()).isTrue();
        } else {
            assertThat(summary.path("win_rate").decimalValue()).isEqualTo(BigDecimal.valueOf(won.size())
                    .divide(BigDecimal.valueOf(won.size() + lost.size()), 4, RoundingMode.HALF_EVEN));
        }
        if (won.isEmpty()) {
            assertThat(summary.path("average_won_deal_size").isNull()).isTrue();
        } else {
            assertMoney(summary.path("average_won_deal_size"), sum(won, Seed::amountReporting)
                    .divide(BigDecimal.valueOf(won.size()), 2, RoundingMode.HALF_EVEN));
        }
        assertThat(summary.has("as_of")).isTrue();
    }

    // --- breakdown ---------------------------------------------------------------------------------------------

    @Test
    void everyBreakdownOfEveryStatusMatchesItsDeals() throws Exception {
        Map<String, Function<Seed, String>> dimensions = new LinkedHashMap<>();
        dimensions.put("stage", Seed::stage);
        dimensions.put("region", Seed::region);
        dimensions.put("owner", Seed::ownerId);
        dimensions.put("forecast_category", Seed::forecastCategory);
        dimensions.put("closing_month", Seed::closingMonth);
        for (SignedIn who : List.of(callers.admin, callers.emeaViewer)) {
            for (Map.Entry<String, Function<Seed, String>> dimension : dimensions.entrySet()) {
                for (String status : List.of("open", "won", "lost")) {
                    String path = "/api/pipeline/breakdown?by=" + dimension.getKey()
                            + (status.equals("open") ? "" : "&status=" + status);
                    JsonNode body = json(get(path), who);
                    assertThat(body.path("by").asText()).isEqualTo(dimension.getKey());
                    assertThat(body.path("status").asText()).isEqualTo(status);
                    assertThat(body.path("currency").asText()).isEqualTo("SGD");
                    assertRows(path, body.path("rows"), visibleTo(who).stream()
                            .filter(d -> d.status().equals(status)).toList(), dimension.getValue(),
                            dimension.getKey().equals("closing_month"));
                }
            }
        }
    }

    @Test
    void breakdownLabelsSayWhatTheKeyMeans() throws Exception {
        JsonNode owners = json(get("/api/pipeline/breakdown?by=owner"), callers.admin).path("rows");
        Map<String, String> labels = new LinkedHashMap<>();
        owners.forEach(r -> labels.put(r.path("key").asText(), r.path("label").asText()));
        assertThat(labels).containsEntry("1001", "Ann Euro").containsEntry("1002", "Bob Amer");
        JsonNode months = json(get("/api/pipeline/breakdown?by=closing_month"), callers.admin).path("rows");
        List<String> keys = new ArrayList<>();
        months.forEach(r -> keys.add(r.path("key").isNull() ? null : r.path("key").asText() + "=" + r.path("label").asText()));
        // Open deals: 2026-03 (9002, 9013, 9015), 2026-04 (9001), 2026-05 (9009), 2026-06 (9008), none (9007, 9014).
        assertThat(keys).containsExactly("2026-03=Mar 2026", "2026-04=Apr 2026", "2026-05=May 2026",
                "2026-06=Jun 2026", null);
    }

    private static void assertRows(String path, JsonNode rows, List<Seed> deals, Function<Seed, String> key,
            boolean byMonth) {
        Map<String, List<Seed>> groups = deals.stream().collect(Collectors.groupingBy(
                d -> Objects.requireNonNullElse(key.apply(d), "\u0000none"), LinkedHashMap::new, Collectors.toList()));
        List<Map.Entry<String, List<Seed>>> expected = new ArrayList<>(groups.entrySet());
        Comparator<Map.Entry<String, List<Seed>>> byKey = Comparator.comparing(e -> e.getKey().equals("\u0000none")
                ? "\uffff" : e.getKey());
        expected.sort(byMonth ? byKey : Comparator.<Map.Entry<String, List<Seed>>, BigDecimal>comparing(
                e -> sum(e.getValue(), Seed::amountReporting)).reversed().thenComparing(byKey));
        assertThat(rows.size()).as(path).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode row = rows.get(i);
            Map.Entry<String, List<Seed>> group = expected.get(i);
            String expectedKey = group.getKey().equals("\u0000none") ? null : group.getKey();
            assertThat(row.path("key").isNull() ? null : row.path("key").asText()).as(path + " row " + i)
                    .isEqualTo(expectedKey);
            assertThat(row.path("count").asLong()).as(path + " " + expectedKey).isEqualTo(group.getValue().size());
            assertMoney(row.path("amount"), sum(group.getValue(), Seed::amountReporting));
            assertMoney(row.path("weighted_amount"), sum(group.getValue(), Seed::weighted));
        }
    }

    // --- deal list and one deal --------------------------------------------------------------------------------

    @Test
    void everySortPagesThroughEveryVisibleDealOnceInOrder() throws Exception {
        Comparator<Seed> byId = Comparator.comparing(Seed::id);
        Map<String, Comparator<Seed>> sorts = new LinkedHashMap<>();
        sorts.put("amount", Comparator.comparing(Seed::amountReporting).thenComparing(byId));
        sorts.put("-amount", Comparator.comparing(Seed::amountReporting).thenComparing(byId).reversed());
        // Deals without a closing date come last in both directions.
        sorts.put("closing_date", Comparator.comparing(Seed::closingDate, Comparator.nullsLast(Comparator
                .naturalOrder())).thenComparing(byId));
        sorts.put("-closing_date", Comparator.comparing(Seed::closingDate, Comparator.nullsFirst(Comparator
                .<LocalDate>naturalOrder())).thenComparing(byId).reversed());
        sorts.put("modified", Comparator.comparing(Seed::modified).thenComparing(byId));
        sorts.put("-modified", Comparator.comparing(Seed::modified).thenComparing(byId).reversed());
        for (SignedIn who : List.of(callers.admin, callers.emeaViewer)) {
            for (Map.Entry<String, Comparator<Seed>> sort : sorts.entrySet()) {
                List<String> expected = visibleTo(who).stream().sorted(sort.getValue()).map(Seed::id).toList();
                List<String> seen = new ArrayList<>();
                String cursor = null;
                int pages = 0;
                do {
                    MockHttpServletRequestBuilder request = get("/api/pipeline/deals").param("sort", sort.getKey())
                            .param("limit", "3");
                    if (cursor != null) {
                        request.param("cursor", cursor);
                    }
                    JsonNode page = json(request, who);
                    assertThat(page.path("items").size()).isLessThanOrEqualTo(3);
                    page.path("items").forEach(item -> seen.add(item.path("id").asText()));
                    cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
                    pages++;
                } while (cursor != null && pages < 20);
                assertThat(seen).as(sort.getKey()).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void theDefaultIsFiftyByAmountDescendingAndFiltersApply() throws Exception {
        JsonNode page = json(get("/api/pipeline/deals"), callers.admin);
        assertThat(page.path("next_cursor").isNull()).isTrue();
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(i -> ids.add(i.path("id").asText()));
        assertThat(ids).containsExactlyElementsOf(live().stream().sorted(Comparator.comparing(Seed::amountReporting)
                .thenComparing(Seed::id).reversed()).map(Seed::id).toList());
        JsonNode red = json(get("/api/pipeline/deals?health=RED&sort=amount"), callers.admin);
        List<String> redIds = new ArrayList<>();
        red.path("items").forEach(i -> redIds.add(i.path("id").asText()));
        assertThat(redIds).containsExactly("9003", "9002"); // 20120.12 then 33500.00
    }

    @Test
    void aDealShowsEveryFieldOfTheContract() throws Exception {
        JsonNode globex = item(json(get("/api/pipeline/deals?q=globex"), callers.admin), "9002");
        assertThat(globex.path("name").asText()).isEqualTo("Globex expansion");
        assertThat(globex.path("account").asText()).isEqualTo("Globex");
        assertThat(globex.path("owner").path("id").asText()).isEqualTo("1002");
        assertThat(globex.path("owner").path("name").asText()).isEqualTo("Bob Amer");
        assertThat(globex.path("stage").asText()).isEqualTo("Proposal");
        assertThat(globex.path("status").asText()).isEqualTo("open");
        assertThat(globex.path("probability").asInt()).isEqualTo(80);
        assertThat(globex.path("closing_date").asText()).isEqualTo("2026-03-10");
        assertThat(globex.path("currency").asText()).isEqualTo("USD");
        assertThat(globex.path("amount").toString()).isEqualTo("25000.00");
        assertThat(globex.path("amount_reporting").toString()).isEqualTo("33500.00");
        assertThat(globex.path("weighted_amount_reporting").toString()).isEqualTo("26800.00");
        assertThat(globex.path("region").asText()).isEqualTo("AMER");
        assertThat(globex.path("forecast_category").asText()).isEqualTo("Best Case");
        assertThat(globex.path("o2r_phase").asInt()).isEqualTo(2);
        assertThat(globex.path("realized").asBoolean()).isFalse();
        assertThat(globex.path("health").asText()).isEqualTo("RED");
        assertThat(texts(globex.path("health_reasons")))
                .containsExactly("proposal_stalled", "overdue_close", "high_probability_no_po", "stale");
        assertThat(globex.path("modified_time").asText()).isEqualTo("2026-03-01T12:00:00Z");

        for (Seed seed : live()) {
            JsonNode deal = json(get("/api/pipeline/deals/" + seed.id()), callers.manager);
            assertThat(deal.path("status").asText()).as(seed.id()).isEqualTo(seed.status());
            assertThat(deal.path("region").asText()).as(seed.id()).isEqualTo(seed.region());
            assertThat(deal.path("o2r_phase").asInt()).as(seed.id()).isEqualTo(seed.phase());
            assertThat(deal.path("realized").asBoolean()).as(seed.id()).isEqualTo(seed.realized());
            assertThat(deal.path("health").isNull() ? null : deal.path("health").asText()).as(seed.id())
                    .isEqualTo(seed.health());
            assertThat(texts(deal.path("health_reasons"))).as(seed.id()).containsExactlyElementsOf(seed.reasons());
            assertMoney(deal.path("amount_reporting"), seed.amountReporting());
            assertMoney(deal.path("weighted_amount_reporting"), seed.weighted());
            if (seed.amount() == null) {
                assertThat(deal.path("amount").isNull()).as(seed.id()).isTrue();
            } else {
                assertThat(deal.path("amount").decimalValue()).isEqualByComparingTo(seed.amount());
            }
        }
    }

    @Test
    void oneDealCarriesItsMilestones() throws Exception {
        JsonNode stark = json(get("/api/pipeline/deals/9006"), callers.admin);
        assertThat(stark.path("id").asText()).isEqualTo("9006");
        assertThat(stark.path("realized").asBoolean()).isTrue();
        assertThat(stark.path("health").isNull()).isTrue();
        assertThat(stark.path("health_reasons").size()).isZero();
        JsonNode milestones = stark.path("milestones");
        assertThat(milestones.path("proposal_submission").asText()).isEqualTo("2025-10-01");
        assertThat(milestones.path("po_generation").asText()).isEqualTo("2025-10-20");
        assertThat(milestones.path("kickoff").asText()).isEqualTo("2025-10-25");
        assertThat(milestones.path("invoice").asText()).isEqualTo("2025-12-01");
        assertThat(milestones.path("payment").asText()).isEqualTo("2025-12-20");
        assertThat(milestones.path("revenue_recognition").asText()).isEqualTo("2026-01-05");
        JsonNode wayne = json(get("/api/pipeline/deals/9007"), callers.admin);
        assertThat(wayne.path("amount").isNull()).isTrue();
        assertThat(wayne.path("amount_reporting").toString()).isEqualTo("0.00");
        assertThat(wayne.path("milestones").path("proposal_submission").isNull()).isTrue();
        mvc.perform(get("/api/pipeline/deals/9011").header(HttpHeaders.AUTHORIZATION, callers.admin.bearer()))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/pipeline/deals/404404").header(HttpHeaders.AUTHORIZATION, callers.admin.bearer()))
                .andExpect(status().isNotFound());
    }

    // --- O2R and health -----------------------------------------------------------------------------------------

    @Test
    void o2rPhasesHealthCountsAndAttentionMatchTheDeals() throws Exception {
        for (SignedIn who : callers.everyone()) {
            JsonNode o2r = json(get("/api/pipeline/o2r"), who);
            assertO2r(o2r, visibleTo(who));
        }
        JsonNode all = json(get("/api/pipeline/o2r"), callers.admin);
        // RED: 9002 (33500.00), 9003 (20120.12); YELLOW: 9010 (30000.00), 9008 (18179.34...).
        List<String> attention = new ArrayList<>();
        all.path("attention").forEach(d -> attention.add(d.path("id").asText()));
        assertThat(attention).containsExactly("9002", "9003", "9010", "9008");
        assertO2r(json(get("/api/pipeline/o2r?region=EMEA&status=open"), callers.admin),
                live(d -> d.region().equals("EMEA") && d.status().equals("open")));
    }

    private static void assertO2r(JsonNode o2r, List<Seed> deals) {
        assertThat(o2r.path("currency").asText()).isEqualTo("SGD");
        List<Seed> notLost = deals.stream().filter(d -> !d.status().equals("lost")).toList();
        List<String> names = List.of("opportunity", "proposal", "execution", "revenue");
        assertThat(o2r.path("phases").size()).isEqualTo(4);
        for (int phase = 1; phase <= 4; phase++) {
            int p = phase;
            List<Seed> inPhase = notLost.stream().filter(d -> d.phase() == p).toList();
            JsonNode row = o2r.path("phases").get(phase - 1);
            assertThat(row.path("phase").asInt()).isEqualTo(phase);
            assertThat(row.path("name").asText()).isEqualTo(names.get(phase - 1));
            assertThat(row.path("count").asLong()).as("phase " + phase).isEqualTo(inPhase.size());
            assertMoney(row.path("amount"), sum(inPhase, Seed::amountReporting));
        }
        for (String health : List.of("RED", "YELLOW", "NEEDS_UPDATE", "GREEN")) {
            assertThat(o2r.path("health").path(health).asLong()).as(health)
                    .isEqualTo(deals.stream().filter(d -> health.equals(d.health())).count());
        }
        List<String> expectedAttention = deals.stream().filter(d -> "RED".equals(d.health())
                || "YELLOW".equals(d.health())).sorted(Comparator.comparing((Seed d) -> !"RED".equals(d.health()))
                        .thenComparing(Comparator.comparing(Seed::amountReporting).reversed()).thenComparing(Seed::id))
                .map(Seed::id).toList();
        List<String> attention = new ArrayList<>();
        o2r.path("attention").forEach(d -> attention.add(d.path("id").asText()));
        assertThat(attention).containsExactlyElementsOf(expectedAttention);
    }

    @Test
    void healthIsEvaluatedAgainstTodayAtReadTime() throws Exception {
        JsonNode before = json(get("/api/pipeline/deals/9015"), callers.admin);
        assertThat(before.path("health").asText()).isEqualTo("GREEN");
        assertThat(listedHealth("9015")).isEqualTo("GREEN"); // the first page of the list, kept per day
        long redBefore = json(get("/api/pipeline/o2r"), callers.admin).path("health").path("RED").asLong();

        // Midnight passes; nothing is synced: the deal closing "today" is now overdue.
        clock.fixAt(PipelineSeed.NOW.plusSeconds(14 * 3600));
        JsonNode after = json(get("/api/pipeline/deals/9015"), callers.admin);
        assertThat(after.path("health").asText()).isEqualTo("RED");
        assertThat(texts(after.path("health_reasons"))).containsExactly("overdue_close");
        assertThat(listedHealth("9015")).isEqualTo("RED");
        assertThat(json(get("/api/pipeline/o2r"), callers.admin).path("health").path("RED").asLong())
                .isEqualTo(redBefore + 1);
        assertThat(json(get("/api/pipeline/summary?health=RED&region=AMER"), callers.admin).path("open")
                .path("count").asLong()).isEqualTo(2); // 9002 and 9015
    }

    @Test
    void figuresFollowEverySyncOfDeals() throws Exception {
        JsonNode before = json(get("/api/pipeline/summary?region=EMEA"), callers.manager);
        assertThat(json(get("/api/pipeline/o2r?region=EMEA"), callers.manager).path("health").path("GREEN").asLong())
                .isEqualTo(4);
        assertThat(firstPageIds()).contains("9001").doesNotContain("9020");
        // A new open EMEA deal arrives, then an existing one is deleted in Zoho, as a sync would store them.
        Seed added = new Seed("9020", "Late arrival", "Newco", "1001", "Ann Euro", "Negotiation", "1000", "EUR", "0.91",
                50, "2026-04-15", "EMEA", "Pipeline", null, null, null, null, null, null, "2026-03-15T08:00:00+00:00",
                false, "EMEA", 1, "GREEN", List.of());
        ingestion.store(List.of(added.zohoRecord(PipelineTestSupport.JSON)));
        JsonNode afterAdd = json(get("/api/pipeline/summary?region=EMEA"), callers.manager);
        assertThat(afterAdd.path("open").path("count").asLong())
                .isEqualTo(before.path("open").path("count").asLong() + 1);
        assertMoney(afterAdd.path("open").path("amount"), before.path("open").path("amount").decimalValue()
                .add(added.amountReporting())); // 1000 / 0.91 × 1.34 = 1472.53
        assertThat(json(get("/api/pipeline/o2r?region=EMEA"), callers.manager).path("health").path("GREEN").asLong())
                .isEqualTo(5);
        assertThat(firstPageIds()).contains("9001", "9020");
        ingestion.markDeleted(List.of("9001"), PipelineSeed.NOW);
        assertThat(firstPageIds()).contains("9020").doesNotContain("9001");
        JsonNode afterDelete = json(get("/api/pipeline/summary?region=EMEA"), callers.manager);
        assertMoney(afterDelete.path("open").path("amount"), afterAdd.path("open").path("amount").decimalValue()
                .subtract(new BigDecimal("14725.27")));
        assertThat(json(get("/api/pipeline/breakdown?by=owner&region=EMEA"), callers.manager).path("rows").get(0)
                .path("count").asLong()).isEqualTo(4); // Ann's open EMEA deals: 9008, 9013, 9014, 9020
    }

    /** The ids on the first page of EMEA's deal list (cached per data version), as the manager sees it. */
    private List<String> firstPageIds() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        json(get("/api/pipeline/deals?region=EMEA&limit=200"), callers.manager).path("items")
                .forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    /** A deal's health on the admin's first page of the whole list. */
    private String listedHealth(String id) throws Exception {
        for (JsonNode item : json(get("/api/pipeline/deals?limit=200"), callers.admin).path("items")) {
            if (id.equals(item.path("id").asText())) {
                return item.path("health").asText();
            }
        }
        throw new AssertionError("deal " + id + " is not on the first page");
    }

    // --- CSV -----------------------------------------------------------------------------------------------------

    @Test
    void theCsvHasAHeaderAndOneRowPerVisibleDealWithHandComputedValues() throws Exception {
        for (SignedIn who : callers.everyone()) {
            MvcResult result = mvc.perform(get("/api/pipeline/deals.csv").header(HttpHeaders.AUTHORIZATION, who.bearer()))
                    .andExpect(status().isOk()).andReturn();
            assertThat(result.getResponse().getContentType()).isEqualTo("text/csv;charset=UTF-8");
            assertThat(result.getResponse().getHeader(HttpHeaders.CONTENT_DISPOSITION))
                    .isEqualTo("attachment; filename=\"pipeline-deals-2026-03-15.csv\"");
            String body = result.getResponse().getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
            List<String> lines = List.of(body.split("\r\n"));
            assertThat(lines.get(0)).isEqualTo("id,name,account,owner,stage,status,probability,closing_date,currency,"
                    + "amount,amount_reporting,weighted_amount_reporting,region,forecast_category,o2r_phase,realized,"
                    + "health,health_reasons,modified_time");
            List<String> expected = visibleTo(who).stream().sorted(Comparator.comparing(Seed::amountReporting)
                    .thenComparing(Seed::id).reversed()).map(PipelineFiguresIntegrationTests::csvRow).toList();
            assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theCsvTakesTheFiltersAndNeutralisesFormulas() throws Exception {
        MvcResult result = mvc.perform(get("/api/pipeline/deals.csv?owner_id=1001&status=open&sort=closing_date")
                .header(HttpHeaders.AUTHORIZATION, callers.emeaViewer.bearer())).andExpect(status().isOk()).andReturn();
        List<String> lines = List.of(result.getResponse().getContentAsString(java.nio.charset.StandardCharsets.UTF_8)
                .split("\r\n"));
        assertThat(lines).hasSize(5); // header + 9013 (03-31), 9001 (04-30), 9008 (06-30), 9014 (none)
        assertThat(lines.get(1)).isEqualTo("9013,'=cmd|' /C calc'!A0,'@Initrode,Ann Euro,Qualification,open,30,"
                + "2026-03-31,USD,12.50,16.75,5.02,EMEA,Pipeline,1,false,GREEN,,2026-03-15T01:00:00Z");
        assertThat(lines.get(4)).startsWith("9014,\"Vehement, \"\"quoted\"\"\",Vehement Capital,");
    }

    /** A CSV row worked out from the seed alone. */
    private static String csvRow(Seed d) {
        String name = d.name().startsWith("=") ? "'" + d.name() : d.name();
        if (name.contains(",") || name.contains("\"")) {
            name = "\"" + name.replace("\"", "\"\"") + "\"";
        }
        String account = d.account().startsWith("@") ? "'" + d.account() : d.account();
        return String.join(",", d.id(), name, account, d.ownerName(), d.stage(), d.status(),
                d.probability() == null ? "" : d.probability().toString(), d.closing() == null ? "" : d.closing(),
                d.currency(), d.amount() == null ? "" : new BigDecimal(d.amount()).setScale(2).toPlainString(),
                d.amountReporting().toPlainString(), d.weighted().toPlainString(), d.region(),
                d.forecastCategory() == null ? "" : d.forecastCategory(), Integer.toString(d.phase()),
                Boolean.toString(d.realized()), d.health() == null ? "" : d.health(), String.join(";", d.reasons()),
                java.time.OffsetDateTime.parse(d.modified()).toInstant().toString());
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static JsonNode item(JsonNode page, String id) {
        for (JsonNode item : page.path("items")) {
            if (item.path("id").asText().equals(id)) {
                return item;
            }
        }
        throw new AssertionError("no deal " + id + " in " + page);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Equal to the cent and written with exactly two decimals. */
    private static void assertMoney(JsonNode node, BigDecimal expected) {
        assertThat(node.isNumber()).as("a JSON number: " + node).isTrue();
        assertThat(node.toString()).isEqualTo(expected.setScale(2, RoundingMode.UNNECESSARY).toPlainString());
    }
}
