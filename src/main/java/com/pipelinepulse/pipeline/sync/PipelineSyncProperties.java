package com.pipelinepulse.pipeline.sync;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How deals are read from Zoho CRM and what is derived from them (docs/pipeline.md, docs/configuration.md).
 *
 * @param reportingCurrency ISO code every amount is converted to ({@code SGD})
 * @param regionField       the Deals field that names a deal's region ({@code Region})
 * @param wonStages         stages that make a deal {@code won} (case-insensitive)
 * @param lostStages        stages that make a deal {@code lost} (case-insensitive)
 * @param o2r               the O2R milestone date fields
 * @param syncInterval      how often the scheduled incremental run is due; {@code 0} turns it off
 * @param syncLockTimeout   how long the sync lock outlives the last stored page of a run whose instance died
 * @param maxFullSyncDeletionShare the largest share of live deals (0..1, default {@code 0.2}) a full run may mark
 *                          deleted; a full run that would mark more (e.g. Zoho answered a truncated list) deletes
 *                          nothing and ends {@code failed}. {@code 1} turns the guard off
 */
@Validated
@ConfigurationProperties("pipelinepulse.pipeline")
public record PipelineSyncProperties(@NotBlank @Pattern(regexp = "[A-Za-z]{3}") String reportingCurrency,
        @NotBlank String regionField, List<String> wonStages, List<String> lostStages, @Valid O2r o2r,
        @NotNull Duration syncInterval, @NotNull Duration syncLockTimeout,
        @DecimalMin("0") @DecimalMax("1") BigDecimal maxFullSyncDeletionShare) {

    public PipelineSyncProperties {
        reportingCurrency = reportingCurrency == null ? "SGD" : reportingCurrency.trim().toUpperCase(Locale.ROOT);
        regionField = regionField == null ? "Region" : regionField.trim();
        wonStages = stages(wonStages, List.of("Closed Won"));
        lostStages = stages(lostStages, List.of("Closed Lost", "Closed-Lost to Competition"));
        o2r = o2r == null ? new O2r(null) : o2r;
        syncInterval = syncInterval == null ? Duration.ofMinutes(15) : syncInterval;
        syncLockTimeout = syncLockTimeout == null ? Duration.ofMinutes(5) : syncLockTimeout;
        maxFullSyncDeletionShare = maxFullSyncDeletionShare == null ? DEFAULT_MAX_FULL_SYNC_DELETION_SHARE
                : maxFullSyncDeletionShare;
    }

    public static final BigDecimal DEFAULT_MAX_FULL_SYNC_DELETION_SHARE = new BigDecimal("0.2");

    /** The settings' defaults (PIPELINE.md). */
    public static PipelineSyncProperties defaults() {
        return new PipelineSyncProperties(null, null, null, null, null, null, null, null);
    }

    /** The scheduled run is on. */
    public boolean scheduled() {
        return !syncInterval.isZero() && !syncInterval.isNegative();
    }

    /** Every field the Deals calls ask for (Zoho allows at most 50). */
    public List<String> dealFields() {
        LinkedHashSet<String> fields = new LinkedHashSet<>(List.of("id", "Deal_Name", "Amount", "Currency",
                "Exchange_Rate", "Stage", "Probability", "Closing_Date", "Owner", "Account_Name",
                "Forecast_Category__s", regionField));
        fields.addAll(o2r.fields().all());
        fields.addAll(List.of("Created_Time", "Modified_Time"));
        return List.copyOf(fields);
    }

    private static List<String> stages(List<String> configured, List<String> fallback) {
        List<String> out = new ArrayList<>();
        for (String stage : configured == null ? fallback : configured) {
            if (stage != null && !stage.isBlank()) {
                out.add(stage.trim().toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }

    /** @param fields the Zoho fields of the six milestone dates */
    public record O2r(@Valid Fields fields) {
        public O2r {
            fields = fields == null ? new Fields(null, null, null, null, null, null) : fields;
        }
    }

    /**
     * The Zoho fields of the O2R milestones.
     *
     * @param proposal           proposal submitted ({@code Proposal_Submission_date})
     * @param po                 purchase order ({@code PO_Generation_Date})
     * @param kickoff            kick-off ({@code Kick_off_Date})
     * @param invoice            invoice ({@code Invoice_Date})
     * @param payment            payment ({@code Payment_Date})
     * @param revenueRecognition revenue recognised ({@code OB_Recognition_Date}): the deal is realized
     */
    public record Fields(String proposal, String po, String kickoff, String invoice, String payment,
            String revenueRecognition) {
        public Fields {
            proposal = Objects.requireNonNullElse(proposal, "Proposal_Submission_date");
            po = Objects.requireNonNullElse(po, "PO_Generation_Date");
            kickoff = Objects.requireNonNullElse(kickoff, "Kick_off_Date");
            invoice = Objects.requireNonNullElse(invoice, "Invoice_Date");
            payment = Objects.requireNonNullElse(payment, "Payment_Date");
            revenueRecognition = Objects.requireNonNullElse(revenueRecognition, "OB_Recognition_Date");
        }

        List<String> all() {
            return List.of(proposal, po, kickoff, invoice, payment, revenueRecognition);
        }
    }
}
