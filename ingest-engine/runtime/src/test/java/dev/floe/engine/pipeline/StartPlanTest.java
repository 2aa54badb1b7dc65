package dev.floe.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartPlanTest {
    private static final SourcePartition P0 = new SourcePartition("orders", 0);
    private static final SourcePartition P1 = new SourcePartition("orders", 1);
    private static final List<SourcePartition> PARTITIONS = List.of(P0, P1);

    private static StoredCheckpoint checkpoint(long id, long p0, long p1) {
        return new StoredCheckpoint(
                "orders",
                id,
                Instant.EPOCH,
                SourceOffsets.of(Map.of(P0, p0, P1, p1)),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(),
                128,
                List.of());
    }

    @Test
    void resumesFromTheStoredCheckpointAndNumbersAfterIt() {
        StartPlan plan = StartPlan.of(
                PARTITIONS,
                Optional.of(checkpoint(7, 100, 200)),
                Optional.of(new CommittedPosition(6, SourceOffsets.of(Map.of(P0, 90L, P1, 150L)))),
                SourceOffsets.of(Map.of(P0, 90L, P1, 150L)),
                EngineOptions.StartPosition.LATEST);

        assertThat(plan.seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 100L, P1, 200L)));
        assertThat(plan.nextCheckpointId()).isEqualTo(8);
        assertThat(plan.recovered().checkpointId()).isEqualTo(7);
        assertThat(plan.skip())
                .as("nothing below the checkpoint is in a destination already")
                .isNull();
    }

    @Test
    void skipsWhatTheTableHoldsBeyondAnOlderCheckpointAndNumbersAfterTheTable() {
        // checkpoint storage restored from a backup older than the table
        StartPlan plan = StartPlan.of(
                PARTITIONS,
                Optional.of(checkpoint(3, 10, 10)),
                Optional.of(new CommittedPosition(9, SourceOffsets.of(Map.of(P0, 50L, P1, 10L)))),
                SourceOffsets.of(Map.of(P0, 50L, P1, 10L)),
                EngineOptions.StartPosition.EARLIEST);

        assertThat(plan.nextCheckpointId()).isEqualTo(10);
        assertThat(plan.skip().inTable("orders", 0, 49)).isTrue();
        assertThat(plan.skip().inTable("orders", 0, 50)).isFalse();
        assertThat(plan.skip().inTable("orders", 1, 10)).isFalse();
        assertThat(plan.skip().deadLettered("orders", 0, 20)).isTrue();
    }

    @Test
    void withoutCheckpointsStartsWhereTheTableSaysAndNeverReusesItsCheckpointIds() {
        StartPlan plan = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.of(new CommittedPosition(57, SourceOffsets.of(Map.of(P0, 500L)))),
                SourceOffsets.of(Map.of(P0, 500L)),
                EngineOptions.StartPosition.LATEST);

        assertThat(plan.seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 500L)));
        assertThat(plan.unknownFromEarliest())
                .as("a partition the table does not know is new")
                .isTrue();
        assertThat(plan.nextCheckpointId()).isEqualTo(58);
        assertThat(plan.recovered()).isNull();
        assertThat(plan.skip()).isNull();
    }

    @Test
    void goesBackToTheDeadLetterMarkerWhenDeadLettersLagBehindTheTable() {
        StartPlan plan = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.of(new CommittedPosition(12, SourceOffsets.of(Map.of(P0, 500L, P1, 300L)))),
                SourceOffsets.of(Map.of(P0, 420L, P1, 300L)),
                EngineOptions.StartPosition.EARLIEST);

        assertThat(plan.seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 420L, P1, 300L)));
        assertThat(plan.skip().inTable("orders", 0, 450))
                .as("rows the table has are not written again")
                .isTrue();
        assertThat(plan.skip().deadLettered("orders", 0, 450))
                .as("bad records there were never delivered")
                .isFalse();
    }

    @Test
    void aNewPipelineStartsFromTheConfiguredPosition() {
        StartPlan latest = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.empty(),
                SourceOffsets.empty(),
                EngineOptions.StartPosition.LATEST);
        StartPlan earliest = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.empty(),
                SourceOffsets.empty(),
                EngineOptions.StartPosition.EARLIEST);

        assertThat(latest.seek().isEmpty()).isTrue();
        assertThat(latest.unknownFromEarliest()).isFalse();
        assertThat(earliest.unknownFromEarliest()).isTrue();
        assertThat(latest.nextCheckpointId()).isEqualTo(1);
    }
}
