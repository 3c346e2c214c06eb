package com.pipelinepulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.pipeline.HealthEvaluator.DealHealth;
import com.pipelinepulse.pipeline.HealthEvaluator.HealthInput;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Every health rule of PIPELINE.md at and just past its threshold, worst first, and the settings. */
class HealthEvaluatorTests {

    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);
    private final HealthEvaluator evaluator = new HealthEvaluator(HealthProperties.defaults());

    /** An open phase-1 deal, modified today, closing in the future, probability 50: GREEN. */
    private static HealthInput green() {
        return new HealthInput("open", 1, false, 50, TODAY.plusDays(10), null, null, null, null, null, TODAY);
    }

    private DealHealth health(HealthInput deal) {
        return evaluator.evaluate(deal, TODAY);
    }

    @Test
    void aFreshDealIsGreenWithoutReasons() {
        assertThat(health(green())).isEqualTo(new DealHealth(Health.GREEN, java.util.List.of()));
    }

    @Test
    void lostAndRealizedDealsHaveNoHealth() {
        HealthInput lost = new HealthInput("lost", 1, false, 0, TODAY.minusDays(100), null, null, null, null, null,
                TODAY.minusDays(100));
        HealthInput realized = new HealthInput("won", 4, true, 100, TODAY.minusDays(100), TODAY.minusDays(200),
                TODAY.minusDays(190), null, TODAY.minusDays(100), null, TODAY.minusDays(100));
        assertThat(health(lost)).isEqualTo(DealHealth.NONE);
        assertThat(health(realized).health()).isNull();
        assertThat(health(realized).reasons()).isEmpty();
    }

    @Test
    void proposalStalledOnlyInPhase2AfterMoreThan30Days() {
        HealthInput at30 = new HealthInput("open", 2, false, 50, null, TODAY.minusDays(30), null, null, null, null, TODAY);
        HealthInput at31 = new HealthInput("open", 2, false, 50, null, TODAY.minusDays(31), null, null, null, null, TODAY);
        HealthInput phase3 = new HealthInput("open", 3, false, 50, null, TODAY.minusDays(31), TODAY, TODAY, null, null,
                TODAY);
        assertThat(health(at30).health()).isEqualTo(Health.GREEN);
        assertThat(health(at31).reasonIds()).containsExactly("proposal_stalled");
        assertThat(health(at31).health()).isEqualTo(Health.RED);
        assertThat(health(phase3).reasonIds()).doesNotContain("proposal_stalled");
    }

    @Test
    void invoiceUnpaidAfterMoreThan45DaysWithoutPayment() {
        HealthInput at45 = new HealthInput("won", 4, false, 100, null, TODAY.minusDays(90), TODAY.minusDays(80),
                TODAY.minusDays(79), TODAY.minusDays(45), null, TODAY);
        HealthInput at46 = new HealthInput("won", 4, false, 100, null, TODAY.minusDays(90), TODAY.minusDays(80),
                TODAY.minusDays(79), TODAY.minusDays(46), null, TODAY);
        HealthInput paid = new HealthInput("won", 4, false, 100, null, TODAY.minusDays(90), TODAY.minusDays(80),
                TODAY.minusDays(79), TODAY.minusDays(46), TODAY.minusDays(1), TODAY);
        assertThat(health(at45).health()).isEqualTo(Health.GREEN);
        assertThat(health(at46).reasonIds()).containsExactly("invoice_unpaid");
        assertThat(health(paid).health()).isEqualTo(Health.GREEN);
    }

    @Test
    void overdueCloseOnlyForOpenDealsClosingBeforeToday() {
        HealthInput today = new HealthInput("open", 1, false, 50, TODAY, null, null, null, null, null, TODAY);
        HealthInput yesterday = new HealthInput("open", 1, false, 50, TODAY.minusDays(1), null, null, null, null, null,
                TODAY);
        HealthInput won = new HealthInput("won", 1, false, 50, TODAY.minusDays(1), null, null, null, null, null, TODAY);
        assertThat(health(today).health()).isEqualTo(Health.GREEN);
        assertThat(health(yesterday).reasonIds()).containsExactly("overdue_close");
        assertThat(health(won).health()).isEqualTo(Health.GREEN);
    }

    @Test
    void kickoffDelayedAndExecutionLong() {
        HealthInput po14 = new HealthInput("won", 3, false, 90, null, TODAY.minusDays(20), TODAY.minusDays(14), null,
                null, null, TODAY);
        HealthInput po15 = new HealthInput("won", 3, false, 90, null, TODAY.minusDays(20), TODAY.minusDays(15), null,
                null, null, TODAY);
        HealthInput kickoff60 = new HealthInput("won", 3, false, 90, null, TODAY.minusDays(90), TODAY.minusDays(80),
                TODAY.minusDays(60), null, null, TODAY);
        HealthInput kickoff61 = new HealthInput("won", 3, false, 90, null, TODAY.minusDays(90), TODAY.minusDays(80),
                TODAY.minusDays(61), null, null, TODAY);
        assertThat(health(po14).health()).isEqualTo(Health.GREEN);
        assertThat(health(po15).reasonIds()).containsExactly("kickoff_delayed");
        assertThat(health(po15).health()).isEqualTo(Health.YELLOW);
        assertThat(health(kickoff60).health()).isEqualTo(Health.GREEN);
        assertThat(health(kickoff61).reasonIds()).containsExactly("execution_long");
    }

    @Test
    void probabilityRules() {
        HealthInput high80 = new HealthInput("open", 2, false, 80, null, TODAY, null, null, null, null, TODAY);
        HealthInput high79 = new HealthInput("open", 2, false, 79, null, TODAY, null, null, null, null, TODAY);
        HealthInput highWithPo = new HealthInput("open", 3, false, 95, null, TODAY, TODAY, TODAY, null, null, TODAY);
        HealthInput low20Phase3 = new HealthInput("open", 3, false, 20, null, TODAY, TODAY, TODAY, null, null, TODAY);
        HealthInput low21Phase3 = new HealthInput("open", 3, false, 21, null, TODAY, TODAY, TODAY, null, null, TODAY);
        HealthInput low10Phase2 = new HealthInput("open", 2, false, 10, null, TODAY, null, null, null, null, TODAY);
        HealthInput noProbability = new HealthInput("open", 3, false, null, null, TODAY, TODAY, TODAY, null, null,
                TODAY);
        assertThat(health(high80).reasonIds()).containsExactly("high_probability_no_po");
        assertThat(health(high79).health()).isEqualTo(Health.GREEN);
        assertThat(health(highWithPo).health()).isEqualTo(Health.GREEN);
        assertThat(health(low20Phase3).reasonIds()).containsExactly("low_probability_in_execution");
        assertThat(health(low21Phase3).health()).isEqualTo(Health.GREEN);
        assertThat(health(low10Phase2).health()).isEqualTo(Health.GREEN);
        assertThat(health(noProbability).health()).isEqualTo(Health.GREEN);
    }

    @Test
    void staleAfterMoreThan7DaysWithoutAModification() {
        HealthInput at7 = new HealthInput("open", 1, false, 50, null, null, null, null, null, null, TODAY.minusDays(7));
        HealthInput at8 = new HealthInput("open", 1, false, 50, null, null, null, null, null, null, TODAY.minusDays(8));
        assertThat(health(at7).health()).isEqualTo(Health.GREEN);
        assertThat(health(at8).reasonIds()).containsExactly("stale");
        assertThat(health(at8).health()).isEqualTo(Health.NEEDS_UPDATE);
    }

    @Test
    void everyReasonIsListedWorstFirstAndTheHealthIsTheWorst() {
        // Invoiced 50 days ago, unpaid; PO 100 days ago without kickoff; probability 10; closing passed; stale.
        HealthInput deal = new HealthInput("open", 4, false, 10, TODAY.minusDays(3), TODAY.minusDays(120),
                TODAY.minusDays(100), null, TODAY.minusDays(50), null, TODAY.minusDays(30));
        DealHealth result = health(deal);
        assertThat(result.reasonIds()).containsExactly("invoice_unpaid", "overdue_close", "kickoff_delayed",
                "low_probability_in_execution", "stale");
        assertThat(result.health()).isEqualTo(Health.RED);

        HealthInput yellowAndStale = new HealthInput("open", 2, false, 90, null, TODAY.minusDays(5), null, null, null,
                null, TODAY.minusDays(9));
        assertThat(health(yellowAndStale).reasonIds()).containsExactly("high_probability_no_po", "stale");
        assertThat(health(yellowAndStale).health()).isEqualTo(Health.YELLOW);
    }

    @Test
    void healthChangesAtMidnightWithoutAnyChangeToTheDeal() {
        HealthInput deal = new HealthInput("open", 1, false, 50, TODAY, null, null, null, null, null, TODAY);
        assertThat(evaluator.evaluate(deal, TODAY).health()).isEqualTo(Health.GREEN);
        assertThat(evaluator.evaluate(deal, TODAY.plusDays(1)).reasonIds()).containsExactly("overdue_close");
    }

    @Test
    void thresholdsAreSettings() {
        HealthEvaluator strict = new HealthEvaluator(new HealthProperties(5, 45, 14, 60, 60, 40, 1));
        HealthInput deal = new HealthInput("open", 2, false, 60, null, TODAY.minusDays(6), null, null, null, null,
                TODAY.minusDays(2));
        assertThat(strict.evaluate(deal, TODAY).reasonIds())
                .containsExactly("proposal_stalled", "high_probability_no_po", "stale");
        assertThat(evaluator.evaluate(deal, TODAY).health()).isEqualTo(Health.GREEN);
    }
}
