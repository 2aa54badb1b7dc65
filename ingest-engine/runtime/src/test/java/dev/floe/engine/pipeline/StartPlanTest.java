package dev.floe.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.config.SourceConfig;
import dev.floe.engine.source.InitialPosition;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Duration;
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
                source(EngineOptions.StartPosition.LATEST),
                StartPlanTest::noGroup);

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
                source(EngineOptions.StartPosition.EARLIEST),
                StartPlanTest::noGroup);

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
                source(EngineOptions.StartPosition.LATEST),
                StartPlanTest::noGroup);

        assertThat(plan.seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 500L)));
        assertThat(plan.initial())
                .as("a partition the table does not know is new")
                .isEqualTo(InitialPosition.EARLIEST);
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
                source(EngineOptions.StartPosition.EARLIEST),
                StartPlanTest::noGroup);

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
                source(EngineOptions.StartPosition.LATEST),
                StartPlanTest::noGroup);
        StartPlan earliest = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.empty(),
                SourceOffsets.empty(),
                source(EngineOptions.StartPosition.EARLIEST),
                StartPlanTest::noGroup);
        Instant at = Instant.parse("2026-11-01T00:00:00Z");
        StartPlan timestamp = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.empty(),
                SourceOffsets.empty(),
                new SourceConfig(
                        List.of("orders"),
                        null,
                        Duration.ofSeconds(30),
                        EngineOptions.StartPosition.TIMESTAMP,
                        at,
                        SourceOffsets.empty(),
                        "floe-orders"),
                StartPlanTest::noGroup);

        assertThat(latest.seek().isEmpty()).isTrue();
        assertThat(latest.initial()).isEqualTo(InitialPosition.LATEST);
        assertThat(earliest.initial()).isEqualTo(InitialPosition.EARLIEST);
        assertThat(timestamp.initial()).isEqualTo(InitialPosition.at(at));
        assertThat(latest.nextCheckpointId()).isEqualTo(1);
    }

    @Test
    void startsFromTheGroupsOffsetsOrExplicitOffsetsAndFromTheStartElsewhere() {
        StartPlan group = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.empty(),
                SourceOffsets.empty(),
                source(EngineOptions.StartPosition.GROUP_OFFSETS),
                () -> SourceOffsets.of(Map.of(P0, 77L)));
        StartPlan explicit = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.empty(),
                SourceOffsets.empty(),
                new SourceConfig(
                        List.of("orders"),
                        null,
                        Duration.ofSeconds(30),
                        EngineOptions.StartPosition.OFFSETS,
                        null,
                        SourceOffsets.of(Map.of(P1, 5L)),
                        "floe-orders"),
                StartPlanTest::noGroup);

        assertThat(group.seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 77L)));
        assertThat(group.initial()).isEqualTo(InitialPosition.EARLIEST);
        assertThat(explicit.seek()).isEqualTo(SourceOffsets.of(Map.of(P1, 5L)));
    }

    @Test
    void theGroupsOffsetsAreNotReadWhenTheTableKnowsThePipeline() {
        StartPlan plan = StartPlan.of(
                PARTITIONS,
                Optional.empty(),
                Optional.of(new CommittedPosition(3, SourceOffsets.of(Map.of(P0, 10L)))),
                SourceOffsets.empty(),
                source(EngineOptions.StartPosition.GROUP_OFFSETS),
                () -> {
                    throw new AssertionError("the table decides; the group is not asked");
                });

        assertThat(plan.seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 10L)));
    }

    private static SourceConfig source(EngineOptions.StartPosition startFrom) {
        return new SourceConfig(
                List.of("orders"), null, Duration.ofSeconds(30), startFrom, null, SourceOffsets.empty(), "floe-orders");
    }

    private static SourceOffsets noGroup() {
        throw new AssertionError("the group's offsets are read only for group-offsets");
    }
}
