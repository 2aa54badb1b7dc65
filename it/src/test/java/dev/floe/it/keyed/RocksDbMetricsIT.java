package dev.floe.it.keyed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.engine.FloeRuntime;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.dataflow.KeySelectors;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.it.operations.PrometheusSamples;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A keyed pipeline on the RocksDB backend (the default) exposes its state's native memory and
 * compaction figures in the Prometheus scrape: the block cache per pipeline, the rest per keyed
 * subtask.
 */
@ExtendWith(EmbeddedServersExtension.class)
class RocksDbMetricsIT {
    private static final String NAME = "rocksdb-metrics";

    @Test
    void exposesEachKeyedSubtasksRocksDbMemoryAndCompactionFigures(EmbeddedServers servers) {
        KeyedScenario scenario = KeyedScenario.produce(servers, NAME, 20_000);
        KeyedScenario.Run run = scenario.run(NAME);
        FloeConfig config = new ConfigLoader(Sinks.installed(), System::getenv, 2).load(run.config);
        PipelineConfig pipeline = config.pipelines().get(0);
        PipelineDefinition definition = PipelineDefinition.builder(pipeline.id())
                .source(pipeline.source())
                .parallelism(2)
                .sink(pipeline.sink())
                .keyBy(KeySelectors.fields(List.of("customer_id")), CustomerTotals::new)
                .build();
        Map<String, String> tags = Map.of("pipeline", NAME);
        try (FloeRuntime runtime =
                FloeRuntime.start(config, List.of(definition), Clock.systemUTC(), RunMode.CONTINUOUS)) {
            await("every order read and the keys in RocksDB")
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> runtime.pipelines().get(0).recordsIn() >= 20_000
                            && new PrometheusSamples(runtime.metrics().scrape())
                                            .sum("floe_state_rocksdb_estimated_keys", tags)
                                    > 0);
            PrometheusSamples metrics = new PrometheusSamples(runtime.metrics().scrape());

            assertThat(metrics.sum("floe_state_rocksdb_block_cache_capacity_bytes", tags))
                    .isEqualTo(pipeline.state().memory().bytes());
            assertThat(metrics.sum("floe_state_rocksdb_block_cache_usage_bytes", tags))
                    .isPositive();
            assertThat(metrics.find("floe_state_rocksdb_block_cache_pinned_bytes", tags))
                    .hasSize(1);
            for (String subtask : List.of("0", "1")) {
                Map<String, String> of = Map.of("pipeline", NAME, "operator", "keyed", "subtask", subtask);
                assertThat(metrics.sum("floe_state_rocksdb_memtables_bytes", of)
                                + metrics.sum("floe_state_rocksdb_sst_files_bytes", of))
                        .as("subtask %s holds its keys in memtables or SST files", subtask)
                        .isPositive();
                for (String name : List.of(
                        "floe_state_rocksdb_memtables_bytes",
                        "floe_state_rocksdb_immutable_memtables",
                        "floe_state_rocksdb_table_readers_bytes",
                        "floe_state_rocksdb_pending_compaction_bytes",
                        "floe_state_rocksdb_running_compactions",
                        "floe_state_rocksdb_running_flushes",
                        "floe_state_rocksdb_sst_files_bytes",
                        "floe_state_rocksdb_estimated_keys")) {
                    assertThat(metrics.find(name, of))
                            .as("%s of subtask %s", name, subtask)
                            .singleElement()
                            .satisfies(sample -> assertThat(sample.value()).isNotNegative());
                }
            }
            assertThat(metrics.sum("floe_state_rocksdb_estimated_keys", tags))
                    .as("about one key per customer, of %s customers", scenario.expected.size())
                    .isPositive();
        }
    }
}
