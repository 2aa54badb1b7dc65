package dev.floe.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.checkpoint.Savepoint;
import dev.floe.engine.checkpoint.SavepointDescriptor;
import dev.floe.engine.checkpoint.SavepointLocation;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.config.SourceConfig;
import dev.floe.engine.dataflow.KeySelectors;
import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkContext;
import dev.floe.engine.spi.sink.SinkDefinition;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;

class SavepointRestoreTest {
    private static final SourcePartition P0 = new SourcePartition("orders", 0);
    private static final SourcePartition P1 = new SourcePartition("orders", 1);
    private static final List<SourcePartition> PARTITIONS = List.of(P0, P1);
    private static final Savepoint SAVEPOINT = savepoint(7, 100, 200);

    private static Savepoint savepoint(long id, long p0, long p1) {
        StoredCheckpoint checkpoint = new StoredCheckpoint(
                "orders",
                id,
                Instant.EPOCH,
                SourceOffsets.of(Map.of(P0, p0, P1, p1)),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(),
                128,
                List.of());
        return new Savepoint(
                new SavepointLocation(new CheckpointLocation.Local(Path.of("/savepoints")), "savepoint-orders-7-abc"),
                new SavepointDescriptor("orders", id, Instant.EPOCH, "none", 128, 4),
                checkpoint);
    }

    private static PipelineDefinition pipeline(boolean keyed) {
        PipelineDefinition.Builder builder = PipelineDefinition.builder("orders")
                .source(new SourceConfig(
                        List.of("orders"),
                        null,
                        Duration.ofSeconds(30),
                        EngineOptions.StartPosition.EARLIEST,
                        null,
                        SourceOffsets.empty(),
                        "floe-orders"))
                .parallelism(2)
                .sink(new SinkDefinition() {
                    @Override
                    public String describe() {
                        return "iceberg table lake.orders";
                    }

                    @Override
                    public Sink open(SinkContext context) {
                        throw new AssertionError("not opened by a plan");
                    }
                });
        if (keyed) {
            builder.keyBy(KeySelectors.fields(List.of("customer_id")), Counting::new, "counting");
        }
        return builder.build();
    }

    private static SavepointRestore plan(boolean keyed, Optional<CommittedPosition> table) {
        return SavepointRestore.plan(
                pipeline(keyed), SAVEPOINT, PARTITIONS, Optional.empty(), table, SourceOffsets.empty(), () -> {
                    throw new AssertionError("the group's offsets are not asked");
                });
    }

    @Test
    void restoresTheSavepointWhenTheTableHoldsNoMoreThanIt() {
        SavepointRestore restore =
                plan(true, Optional.of(new CommittedPosition(7, SourceOffsets.of(Map.of(P0, 100L, P1, 200L)))));

        assertThat(restore.plan().recovered().checkpointId()).isEqualTo(7);
        assertThat(restore.plan().seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 100L, P1, 200L)));
        assertThat(restore.plan().nextCheckpointId()).isEqualTo(8);
    }

    @Test
    void refusesKeyedStateWhenTheTableHoldsANewerCheckpointNamingBoth() {
        Optional<CommittedPosition> table =
                Optional.of(new CommittedPosition(9, SourceOffsets.of(Map.of(P0, 150L, P1, 250L))));

        assertThatThrownBy(() -> plan(true, table))
                .isInstanceOfSatisfying(
                        FatalException.class,
                        e -> assertThat(e.code()).isEqualTo(EngineErrorCode.SAVEPOINT_BEHIND_TABLE))
                .hasMessageContaining("Cannot restore pipeline orders from savepoint /savepoints/savepoint-orders-7-abc"
                        + " (checkpoint 7, offsets {orders-0=100, orders-1=200})")
                .hasMessageContaining("): iceberg table lake.orders already holds checkpoint 9 of this pipeline"
                        + " (offsets {orders-0=150, orders-1=250})")
                .hasMessageContaining("count the records in between twice");
    }

    @Test
    void refusesKeyedStateWhenTheTableHoldsFurtherOffsetsUnderTheSameCheckpointId() {
        Optional<CommittedPosition> table =
                Optional.of(new CommittedPosition(7, SourceOffsets.of(Map.of(P0, 100L, P1, 201L))));

        assertThatThrownBy(() -> plan(true, table)).hasMessageContaining("already holds checkpoint 7");
    }

    @Test
    void resumesAStatelessPipelineFromTheTableWhenItIsAhead() {
        SavepointRestore restore =
                plan(false, Optional.of(new CommittedPosition(9, SourceOffsets.of(Map.of(P0, 150L, P1, 250L)))));

        assertThat(restore.plan().recovered()).isNull();
        assertThat(restore.plan().seek()).isEqualTo(SourceOffsets.of(Map.of(P0, 150L, P1, 250L)));
        assertThat(restore.plan().nextCheckpointId()).isEqualTo(10);
    }

    @Test
    void numbersNewCheckpointsAfterThoseInCheckpointStorage() {
        StoredCheckpoint newer = savepoint(12, 300, 300).checkpoint();

        SavepointRestore restore = SavepointRestore.plan(
                pipeline(true),
                SAVEPOINT,
                PARTITIONS,
                Optional.of(newer),
                Optional.empty(),
                SourceOffsets.empty(),
                () -> {
                    throw new AssertionError("the group's offsets are not asked");
                });

        assertThat(restore.plan().recovered().checkpointId()).isEqualTo(7);
        assertThat(restore.plan().nextCheckpointId()).isEqualTo(13);
    }

    /** A keyed operator that is never run: the plan only needs the pipeline to have keyed state. */
    private static final class Counting implements KeyedOperator {
        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void open(KeyedOperatorContext context) {}

        @Override
        public void process(Row row, Collector out) {}
    }
}
