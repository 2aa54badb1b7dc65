package dev.floe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.checkpoint.Savepoint;
import dev.floe.engine.checkpoint.SavepointDescriptor;
import dev.floe.engine.checkpoint.SavepointLocation;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeySelectors;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.testing.TestingSinkProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A savepoint that does not fit its pipeline is refused before anything starts, naming what differs. */
class SavepointMismatchTest {
    @TempDir
    Path directory;

    private FloeConfig config() {
        String yaml = """
                kafka:
                  bootstrapServers: localhost:1
                schemaRegistry:
                  url: http://localhost:1
                checkpoints:
                  storage: %s
                store:
                  location: unused
                pipelines:
                  - id: totals
                    source:
                      topics: [orders]
                    sink:
                      table: demo.totals
                """.formatted(directory.resolve("checkpoints"));
        return new ConfigLoader(new TestingSinkProvider(), Map.<String, String>of()::get, 1).parse("test.yaml", yaml);
    }

    private PipelineDefinition keyed(FloeConfig config, int maxParallelism) {
        return PipelineDefinition.builder(config.pipelines().get(0))
                .maxParallelism(maxParallelism)
                .keyBy(KeySelectors.fields(List.of("customer_id")), Counting::new, "counting by [customer_id]")
                .build();
    }

    private static Savepoint savepoint(String pipeline, String keyedStage, int maxParallelism) {
        StoredCheckpoint checkpoint = new StoredCheckpoint(
                pipeline,
                7,
                Instant.EPOCH,
                SourceOffsets.empty(),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(),
                maxParallelism,
                List.of(new KeyedStateHandle("rocksdb", "chk-7/state/x", new KeyGroupRange(0, maxParallelism), 10)));
        return new Savepoint(
                new SavepointLocation(new CheckpointLocation.Local(Path.of("/sp")), "savepoint-" + pipeline + "-7-abc"),
                new SavepointDescriptor(pipeline, 7, Instant.EPOCH, keyedStage, maxParallelism, 4),
                checkpoint);
    }

    private void assertRefused(Savepoint savepoint, String message) {
        FloeConfig config = config();
        assertThatThrownBy(() -> FloeRuntime.start(
                        config, List.of(keyed(config, 128)), Clock.systemUTC(), RunMode.CONTINUOUS, List.of(savepoint)))
                .isInstanceOfSatisfying(
                        FatalException.class, e -> assertThat(e.code()).isEqualTo(EngineErrorCode.SAVEPOINT_MISMATCH))
                .hasMessage(message);
    }

    @Test
    void refusesASavepointOfAnotherPipeline() {
        assertRefused(
                savepoint("orders", "counting by [customer_id]", 128),
                "Cannot restore from savepoint /sp/savepoint-orders-7-abc: it is of pipeline 'orders', and the config"
                        + " has pipelines [totals]");
    }

    @Test
    void refusesASavepointOfAnotherKeyedStage() {
        assertRefused(
                savepoint("totals", "deduplicate by [order_id]", 128),
                "Cannot restore pipeline totals from savepoint /sp/savepoint-totals-7-abc: its keyed stage was"
                        + " 'deduplicate by [order_id]' and is now 'counting by [customer_id]'; state kept by one keyed"
                        + " stage means nothing to another");
    }

    @Test
    void refusesASavepointWithOtherKeyGroups() {
        assertRefused(
                savepoint("totals", "counting by [customer_id]", 64),
                "Cannot restore pipeline totals from savepoint /sp/savepoint-totals-7-abc: its state is divided into 64"
                        + " key groups, and the pipeline now has 128; the max parallelism of a pipeline with state"
                        + " cannot change");
    }

    /** A keyed operator that is never run. */
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
