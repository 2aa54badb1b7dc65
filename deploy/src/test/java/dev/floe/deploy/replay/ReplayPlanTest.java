package dev.floe.deploy.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
    private static final SourcePartition P0 = new SourcePartition("orders", 0);
    private static final SourcePartition P1 = new SourcePartition("orders", 1);

    private static OffsetRange range(long from, long to) {
        return new OffsetRange(from, to);
    }

    @Test
    void readsOnlyTheOffsetsNoCommitCovers() {
        ReplayPlan plan = ReplayPlan.plan(
                Map.of(P0, range(0, 300)),
                Map.of(P0, List.of(range(100, 150), range(150, 200), range(250, 300))),
                Map.of(P0, 300L),
                Map.of());

        assertThat(plan.holes()).containsExactly(Map.entry(P0, List.of(range(0, 100), range(200, 250))));
        assertThat(plan.offsets()).isEqualTo(150);
        assertThat(plan.notReplayable()).isEmpty();
    }

    @Test
    void coveredRangesInAnyOrderAndOverlappingStillSubtractOnce() {
        assertThat(ReplayPlan.uncovered(range(0, 100), List.of(range(40, 60), range(10, 50), range(90, 200))))
                .containsExactly(range(0, 10), range(60, 90));
    }

    @Test
    void aRangeTheTableHoldsEntirelyReadsNothing() {
        ReplayPlan plan = ReplayPlan.plan(
                Map.of(P0, range(0, 200)),
                Map.of(P0, List.of(range(100, 200), range(0, 100))),
                Map.of(P0, 200L),
                Map.of());

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.rounds()).isEmpty();
    }

    @Test
    void neverReadsAtOrPastTheLivePipelinesCommittedOffsets() {
        ReplayPlan plan = ReplayPlan.plan(
                Map.of(P0, range(0, 500)), Map.of(P0, List.of(range(100, 200))), Map.of(P0, 200L), Map.of());

        assertThat(plan.holes()).containsExactly(Map.entry(P0, List.of(range(0, 100))));
        assertThat(plan.notReplayable().get(P0)).contains("from 200 on are the live pipeline's to read");
    }

    @Test
    void leavesOutPartitionsTheLivePipelineHasNotCommitted() {
        ReplayPlan plan = ReplayPlan.plan(
                Map.of(P0, range(0, 50), P1, range(0, 50)),
                Map.of(P0, List.of(range(10, 50))),
                Map.of(P0, 50L),
                Map.of());

        assertThat(plan.holes()).containsOnlyKeys(P0);
        assertThat(plan.notReplayable().get(P1)).contains("committed nothing");
    }

    @Test
    void doesNotReadBelowWhatAnExpiredHistoryStillSpeaksFor() {
        ReplayPlan plan = ReplayPlan.plan(
                Map.of(P0, range(0, 300)),
                Map.of(P0, List.of(range(100, 150), range(200, 300))),
                Map.of(P0, 300L),
                Map.of(P0, 100L));

        assertThat(plan.holes()).containsExactly(Map.entry(P0, List.of(range(150, 200))));
        assertThat(plan.notReplayable().get(P0)).contains("below 100").contains("expired");
    }

    @Test
    void eachRunReadsOneHolePerPartition() {
        ReplayPlan plan = ReplayPlan.plan(
                Map.of(P0, range(0, 100), P1, range(0, 100)),
                Map.of(P0, List.of(range(10, 20), range(30, 100)), P1, List.of(range(0, 90))),
                Map.of(P0, 100L, P1, 100L),
                Map.of());

        assertThat(plan.rounds())
                .containsExactly(Map.of(P0, range(0, 10), P1, range(90, 100)), Map.of(P0, range(20, 30)));
    }
}
