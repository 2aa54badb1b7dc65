package dev.floe.it.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.checkpoint.LocalCheckpointStorage;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly once with a deferred commit policy ({@code sink.commit: {maxAge: 30s}} on 1 s
 * checkpoints): checkpoints wait as pending commits between the table's commits, and a Floe process
 * killed while they wait, right after one is stored, and from outside, loses and repeats nothing.
 */
@ExtendWith(EmbeddedServersExtension.class)
class DeferredCommitsKilledIT {
    private static final String PIPELINE = "deferred";
    private static final String TABLE = "it.deferred_orders";
    private static final long RECORDS = 40_000;
    /** Orders arrive at about 400 a second for 100 s: longer than a slow start, the kills and restarts. */
    private static final int CHUNK = 100;
    /** Orders held back until the second run, which must see new records to commit twice. */
    private static final long RESERVE = 4_000;

    @Test
    void everyOffsetLandsExactlyOnceWhenKilledWhileCheckpointsWaitForTheirCommit(EmbeddedServers servers)
            throws Exception {
        EmbeddedKafkaBroker broker = servers.broker();
        EmbeddedSchemaRegistry registry = servers.registry();
        Path directory = servers.newDirectory("deferred-commits");
        String topic = "deferred-orders";
        CatalogConfig catalog = PacedOrders.sqliteCatalog(directory);
        Path config = directory.resolve("floe.yaml");
        Files.writeString(config, config(broker.bootstrapServers(), registry.url(), topic, catalog, directory));
        TableProbe table = new TableProbe(catalog, TABLE);
        LocalCheckpointStorage checkpoints = new LocalCheckpointStorage(directory.resolve("checkpoints"), PIPELINE);

        try (PacedOrders orders = PacedOrders.start(
                OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic)
                        .withPartitions(2)
                        .withMalformedFraction(0),
                RECORDS,
                RESERVE,
                CHUNK)) {

            // 1. killed once checkpoint 3 is stored: 1 s checkpoints, a commit once rows waited 30 s, so
            // checkpoints 1 to 3 wait for their commit, in the stored checkpoint only
            try (FloeProcess floe = FloeProcess.run(
                    config,
                    Map.of(HaltingListener.VARIABLE, CheckpointPhase.CHECKPOINT_STORED.name() + ":3"),
                    "deferred-1")) {
                assertThat(floe.awaitExit(Duration.ofMinutes(2)))
                        .as("see " + floe.log())
                        .isEqualTo(HaltingListener.HALTED);
            }
            assertThat(checkpoints.latest().orElseThrow().checkpointId()).isEqualTo(3);
            assertThat(table.committedCheckpoint(PIPELINE))
                    .as("the waiting checkpoints are not in the table")
                    .isZero();

            // 2. restarted: commits the restored checkpoints at once, then lets new ones wait again,
            // and is killed from outside once it committed at least once more
            try (FloeProcess floe = FloeProcess.run(config, Map.of(), "deferred-2")) {
                orders.release();
                await().atMost(Duration.ofMinutes(2))
                        .ignoreExceptions()
                        .until(() -> table.summaries().size() >= 2);
                assertThat(floe.kill()).isEqualTo(HaltingListener.HALTED);
            }
            assertThat(table.summaries().get(0))
                    .as("the restored checkpoints, committed at once in one snapshot")
                    .containsEntry("floe.checkpoint-id", "3");

            // 3. restarted for good: catches up, then a stop commits what waits
            try (FloeProcess floe = FloeProcess.run(config, Map.of(), "deferred-3")) {
                await().atMost(Duration.ofMinutes(2)).until(orders::done);
                SourceTruth truth = SourceTruth.read(broker.bootstrapServers(), registry.url(), topic);
                assertThat(truth.validOrderIds()).hasSize((int) RECORDS);
                await().atMost(Duration.ofMinutes(2))
                        .ignoreExceptions()
                        .until(() -> table.longColumn("order_id").size() >= RECORDS);
                assertThat(floe.stop())
                        .as("a clean stop exits 0; see " + floe.log())
                        .isZero();

                List<Long> ids = table.longColumn("order_id");
                assertThat(ids).as("no row twice").doesNotHaveDuplicates();
                assertThat(new HashSet<>(ids)).isEqualTo(new HashSet<>(truth.validOrderIds()));
            }
        }

        List<Long> committed = new ArrayList<>();
        table.summaries().forEach(summary -> committed.add(Long.parseLong(summary.get("floe.checkpoint-id"))));
        assertThat(committed).doesNotHaveDuplicates().isSorted();
        boolean waited = false;
        for (int i = 1; i < committed.size(); i++) {
            waited |= committed.get(i) - committed.get(i - 1) >= 2;
        }
        assertThat(waited)
                .as("some commits covered several checkpoints: " + committed)
                .isTrue();
    }

    private static String config(String bootstrap, String registryUrl, String topic, CatalogConfig catalog, Path dir) {
        return """
                kafka:
                  bootstrapServers: %s
                schemaRegistry:
                  url: %s
                catalog:
                  name: %s
                  type: jdbc
                  uri: %s
                  warehouse: %s
                checkpoints:
                  interval: 1s
                  storage: %s
                http:
                  enabled: false
                pipelines:
                  - id: %s
                    parallelism: 2
                    source:
                      topics: [%s]
                      startFrom: earliest
                    sink:
                      table: %s
                      commit: {maxAge: 30s}
                """.formatted(
                        bootstrap,
                        registryUrl,
                        catalog.name(),
                        catalog.uri(),
                        catalog.warehouse(),
                        dir.resolve("checkpoints"),
                        PIPELINE,
                        topic,
                        TABLE);
    }
}
