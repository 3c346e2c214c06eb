package com.pipelinepulse.pipeline;

import com.pipelinepulse.web.ParameterProblems;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.BindParam;

/**
 * The filter query parameters as sent, bound by name ({@code owner_id}, {@code closing_from}, ...) and kept as
 * text so that every malformed value becomes our own 400 problem naming the parameter.
 */
record FilterParameters(
        @Parameter(name = "region", in = ParameterIn.QUERY,
                description = "Region of the deal (AMER, EMEA, APAC, UNASSIGNED, ...). A viewer may only name their own.")
        String region,
        @BindParam("owner_id")
        @Parameter(name = "owner_id", in = ParameterIn.QUERY, description = "Zoho user id of the deal owner")
        String ownerId,
        @Parameter(name = "stage", in = ParameterIn.QUERY, description = "Zoho stage, case-insensitive exact match")
        String stage,
        @Parameter(name = "status", in = ParameterIn.QUERY, description = "open, won or lost",
                schema = @Schema(allowableValues = {"open", "won", "lost"}))
        String status,
        @Parameter(name = "health", in = ParameterIn.QUERY,
                description = "Health evaluated today (UTC); lost and realized deals have none and never match",
                schema = @Schema(allowableValues = {"RED", "YELLOW", "NEEDS_UPDATE", "GREEN"}))
        String health,
        @BindParam("closing_from")
        @Parameter(name = "closing_from", in = ParameterIn.QUERY, description = "First closing date included, YYYY-MM-DD")
        String closingFrom,
        @BindParam("closing_to")
        @Parameter(name = "closing_to", in = ParameterIn.QUERY, description = "Last closing date included, YYYY-MM-DD")
        String closingTo,
        @Parameter(name = "q", in = ParameterIn.QUERY,
                description = "Text contained in the deal or account name, case-insensitive (at most 100 characters)")
        String q) {

    static final int MAX_TEXT = 100;
    private static final Pattern REGION = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DATE_SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    /** The validated filters, or a 400 problem naming the first bad parameter. */
    DealFilters validate() {
        String regionFilter = blank(region) ? null : match("region", region, REGION,
                "a region id such as EMEA (letters, digits and _)").toUpperCase(Locale.ROOT);
        String owner = blank(ownerId) ? null : match("owner_id", ownerId, OWNER, "a Zoho user id");
        String stageFilter = blank(stage) ? null : stage.trim();
        if (stageFilter != null && stageFilter.length() > 120) {
            throw ParameterProblems.invalid("stage", "a stage name of at most 120 characters");
        }
        String statusFilter = blank(status) ? null : status(status, "status");
        Health healthFilter = blank(health) ? null : health(health);
        LocalDate from = blank(closingFrom) ? null : date("closing_from", closingFrom);
        LocalDate to = blank(closingTo) ? null : date("closing_to", closingTo);
        if (from != null && to != null && from.isAfter(to)) {
            throw ParameterProblems.invalid("closing_from", "on or before closing_to");
        }
        String text = blank(q) ? null : q.trim();
        if (text != null && text.length() > MAX_TEXT) {
            throw ParameterProblems.invalid("q", "at most " + MAX_TEXT + " characters");
        }
        return new DealFilters(regionFilter, owner, stageFilter, statusFilter, healthFilter, from, to, text);
    }

    static String status(String value, String parameter) {
        String normalised = value.trim().toLowerCase(Locale.ROOT);
        return switch (normalised) {
            case "open", "won", "lost" -> normalised;
            default -> throw ParameterProblems.invalid(parameter, "one of open, won, lost");
        };
    }

    private static Health health(String value) {
        try {
            return Health.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ParameterProblems.invalid("health", "one of RED, YELLOW, NEEDS_UPDATE, GREEN");
        }
    }

    private static LocalDate date(String parameter, String value) {
        try {
            if (!DATE_SHAPE.matcher(value.trim()).matches()) {
                throw new DateTimeException("not YYYY-MM-DD");
            }
            return LocalDate.parse(value.trim(), DATE);
        } catch (DateTimeException e) {
            throw ParameterProblems.invalid(parameter, "a date YYYY-MM-DD");
        }
    }

    private static String match(String parameter, String value, Pattern pattern, String expected) {
        String trimmed = value.trim();
        if (!pattern.matcher(trimmed).matches()) {
            throw ParameterProblems.invalid(parameter, expected);
        }
        return trimmed;
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
