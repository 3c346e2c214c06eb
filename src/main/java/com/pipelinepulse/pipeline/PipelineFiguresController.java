package com.pipelinepulse.pipeline;

import com.pipelinepulse.identity.RegionMapper;
import com.pipelinepulse.pipeline.FigureViews.Breakdown;
import com.pipelinepulse.pipeline.FigureViews.DealDetail;
import com.pipelinepulse.pipeline.FigureViews.DealPage;
import com.pipelinepulse.pipeline.FigureViews.O2r;
import com.pipelinepulse.pipeline.FigureViews.Summary;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.web.ParameterProblems;
import com.pipelinepulse.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The pipeline figures the SPA shows (PIPELINE.md "Routes"): summary, breakdowns, the deal list in cursor pages,
 * one deal, the CSV of the list and the O2R view. Every signed-in role may read; a viewer only their own region
 * (403 {@code region-forbidden} for a filter naming another one, 404 for another region's deal). Every malformed
 * parameter is a 400 problem naming it; docs/pipeline.md says how each figure is computed.
 */
@RestController
@RequestMapping("/api/pipeline")
@PreAuthorize("hasRole('VIEWER')")
@Tag(name = "Pipeline", description = "Region-scoped pipeline figures in the reporting currency (docs/pipeline.md)")
@SecurityRequirement(name = "bearer")
@ApiResponse(responseCode = "401", description = "No or invalid access token (problem+json)")
@ApiResponse(responseCode = "403", description = "region-forbidden: a viewer's region filter names another region; "
        + "forbidden: a principal without a role that may read")
@ApiResponse(responseCode = "503", description = "pipeline-currency-pending (with Retry-After): the stored amounts are "
        + "in another currency than the reporting currency asks (the setting changed); the next sync re-converts them "
        + "(the deal by id answers with its own reporting_currency)")
class PipelineFiguresController {

    private static final Logger log = LoggerFactory.getLogger(PipelineFiguresController.class);
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final String UNASSIGNED = "UNASSIGNED";
    private static final Pattern DEAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final PipelineFigures figures;
    private final RegionMapper regions;

    PipelineFiguresController(PipelineFigures figures, RegionMapper regions) {
        this.figures = figures;
        this.regions = regions;
    }

    @GetMapping("/summary")
    @Operation(summary = "Pipeline summary",
            description = "Open (count, amount, weighted amount), won and lost (count, amount) deals the filters "
                    + "select, in the reporting currency; win rate = won / (won + lost), 4 decimals, null without "
                    + "decided deals; average won deal size = won amount / won count. as_of: when the last "
                    + "successful sync finished. unconverted_count: selected deals whose amount is in a currency "
                    + "without a known rate (counted with 0).")
    @ApiResponse(responseCode = "200", description = "The summary")
    @ApiResponse(responseCode = "400", description = "validation-failed: a filter is malformed (errors[0].field names it)")
    Summary summary(@ParameterObject FilterParameters filters, Authentication caller) {
        ReadScope scope = ReadScope.of(caller);
        return figures.summary(scope, validated(filters, scope));
    }

    @GetMapping("/breakdown")
    @Operation(summary = "Pipeline by stage, region, owner, forecast category or closing month",
            description = "Deals of one status (default open) grouped by the dimension: count, amount and weighted "
                    + "amount per row, rows by amount descending (closing_month: by month ascending, keys YYYY-MM).")
    @ApiResponse(responseCode = "200", description = "The rows")
    @ApiResponse(responseCode = "400", description = "validation-failed: by, status or another filter is malformed")
    Breakdown breakdown(
            @Parameter(description = "stage, region, owner, forecast_category or closing_month", required = true,
                    schema = @Schema(allowableValues = {"stage", "region", "owner", "forecast_category",
                            "closing_month"}))
            @RequestParam(name = "by", required = false) String by,
            @ParameterObject FilterParameters filters, Authentication caller) {
        ReadScope scope = ReadScope.of(caller);
        PipelineFigures.By dimension = by == null ? null
                : PipelineFigures.By.of(by.trim().toLowerCase(Locale.ROOT)).orElse(null);
        if (dimension == null) {
            throw ParameterProblems.invalid("by", "one of stage, region, owner, forecast_category, closing_month");
        }
        DealFilters validated = validated(filters, scope);
        if (validated.status() == null) {
            validated = validated.withStatus("open");
        }
        return figures.breakdown(scope, validated, dimension);
    }

    @GetMapping("/deals")
    @Operation(summary = "Deals, in cursor pages",
            description = "The deals the filters select, sorted by amount (the reporting amount), closing_date or "
                    + "modified, descending with a leading -, ties by id; default -amount. Pass next_cursor as "
                    + "cursor (with the same sort and filters) for the next page; it is null on the last page.")
    @ApiResponse(responseCode = "200", description = "One page")
    @ApiResponse(responseCode = "400", description = "validation-failed: limit, sort, cursor or a filter is malformed")
    DealPage deals(@ParameterObject FilterParameters filters,
            @Parameter(description = "1 to 200, default 50") @RequestParam(name = "limit", required = false) String limit,
            @Parameter(description = "next_cursor of the previous page") @RequestParam(name = "cursor", required = false) String cursor,
            @Parameter(description = "amount, closing_date or modified; a leading - for descending; default -amount")
            @RequestParam(name = "sort", required = false) String sort,
            Authentication caller) {
        ReadScope scope = ReadScope.of(caller);
        DealFilters validated = validated(filters, scope);
        int pageSize = parseLimit(limit);
        DealOrder order = DealOrder.parse(sort);
        DealCursor after = FilterParameters.blank(cursor) ? null : DealCursor.decode(cursor, order)
                .orElseThrow(() -> ParameterProblems.invalid("cursor", "a next_cursor of an earlier page with the same sort"));
        return figures.page(scope, validated, order, after, pageSize);
    }

    @GetMapping("/deals/{id}")
    @Operation(summary = "One deal with its milestones")
    @ApiResponse(responseCode = "200", description = "The deal")
    @ApiResponse(responseCode = "404", description = "not-found: no such live deal, or one of another region for a viewer")
    DealDetail deal(@PathVariable("id") String id, Authentication caller) {
        ReadScope scope = ReadScope.of(caller);
        if (!DEAL_ID.matcher(id).matches()) {
            throw notFound();
        }
        return figures.deal(scope, id).orElseThrow(PipelineFiguresController::notFound);
    }

    @GetMapping("/deals.csv")
    @Operation(summary = "Every deal the filters select, as CSV",
            description = "text/csv, UTF-8, streamed; a header row, then one row per deal (columns as in the deal "
                    + "list, health_reasons joined with ;); money with a dot and two decimals; text starting with "
                    + "=, +, -, @ is prefixed with ' so that spreadsheets do not run it.")
    @ApiResponse(responseCode = "200", description = "The CSV", content = @Content(mediaType = "text/csv"))
    @ApiResponse(responseCode = "400", description = "validation-failed: sort or a filter is malformed")
    void csv(@ParameterObject FilterParameters filters,
            @Parameter(description = "as for the deal list; default -amount")
            @RequestParam(name = "sort", required = false) String sort,
            Authentication caller, HttpServletResponse response) throws IOException {
        ReadScope scope = ReadScope.of(caller);
        DealFilters validated = validated(filters, scope);
        DealOrder order = DealOrder.parse(sort);
        figures.requireStoredCurrency();
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"pipeline-deals-" + figures.today() + ".csv\"");
        Writer writer = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8),
                16 * 1024);
        DealCsvWriter csv = new DealCsvWriter(writer);
        csv.writeHeader();
        try {
            figures.stream(scope, validated, order, csv::write);
        } catch (UncheckedIOException e) {
            // The caller went away mid-download: nothing to answer any more.
            log.info("CSV download ended early: {}", e.getCause().getClass().getSimpleName());
            return;
        }
        writer.flush();
    }

    @GetMapping("/o2r")
    @Operation(summary = "Order-to-revenue phases, health counts and the deals needing attention",
            description = "Phases 1 opportunity, 2 proposal, 3 execution, 4 revenue over deals that are not lost; "
                    + "health (evaluated today, UTC) counts over deals that are neither lost nor realized; attention: "
                    + "RED then YELLOW deals, by amount descending, at most 50.")
    @ApiResponse(responseCode = "200", description = "The O2R view")
    @ApiResponse(responseCode = "400", description = "validation-failed: a filter is malformed")
    O2r o2r(@ParameterObject FilterParameters filters, Authentication caller) {
        ReadScope scope = ReadScope.of(caller);
        return figures.o2r(scope, validated(filters, scope));
    }

    /**
     * The filters, or a 400 naming the bad one; a region must be one deals can have (a region of the identity
     * mapping, or UNASSIGNED), so that a typo is an error rather than an empty pipeline. Then the viewer check.
     */
    private DealFilters validated(FilterParameters parameters, ReadScope scope) {
        DealFilters filters = parameters.validate();
        if (filters.region() != null && !filters.region().equals(UNASSIGNED)
                && !regions.regionOf(filters.region()).filter(filters.region()::equals).isPresent()) {
            throw ParameterProblems.invalid("region", "a region such as AMER, EMEA, APAC or UNASSIGNED");
        }
        scope.check(filters);
        return filters;
    }

    private static int parseLimit(String limit) {
        if (FilterParameters.blank(limit)) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw ParameterProblems.invalid("limit", "a whole number from 1 to " + MAX_LIMIT);
    }

    private static ApiProblemException notFound() {
        return new ApiProblemException(ProblemType.NOT_FOUND, "No such deal.");
    }
}
