package dev.floe.it.exactlyonce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.checkpoint.LocalCheckpointStorage;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The exactly-once promise under the hardest kills: a Floe process is killed after a checkpoint
 * was stored but before it was committed, then while it is writing files, then with SIGKILL from
 * outside, while orders keep arriving. After the last restart the table holds every valid input
 * record exactly once and the dead-letter topic every bad one exactly once.
 */
@ExtendWith(EmbeddedServersExtension.class)
class KilledIngestIT {
    private static final String PIPELINE = "killed-ingest";
    private static final String TABLE = "it.killed_orders";
    private static final long RECORDS = 100_000;
    /** Orders keep arriving at about 2,000 a second, for longer than the kills and restarts take. */
    private static final int CHUNK = 500;
    /** Orders held back until the third run, which must see new records to commit more. */
    private static final long RESERVE = 10_000;

    @Test
    void everyOffsetLandsExactlyOnceAfterKillsBeforeACommitWhileWritingAndFromOutside(EmbeddedServers servers)
            throws Exception {
        EmbeddedKafkaBroker broker = servers.broker();
        EmbeddedSchemaRegistry registry = servers.registry();
        Path directory = servers.newDirectory("killed-ingest");
        String topic = "killed-orders";
        CatalogConfig catalog = PacedOrders.sqliteCatalog(directory);
        Path config = directory.resolve("floe.yaml");
        Files.writeString(config, config(broker.bootstrapServers(), registry.url(), topic, catalog, directory));
        TableProbe table = new TableProbe(catalog, TABLE);
        LocalCheckpointStorage checkpoints = new LocalCheckpointStorage(directory.resolve("checkpoints"), PIPELINE);

        try (PacedOrders orders = PacedOrders.start(
                OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic),
                RECORDS,
                RESERVE,
                CHUNK)) {

            // 1. killed after checkpoint 3 is stored, before it is committed
            try (FloeProcess floe = FloeProcess.run(config, halt(CheckpointPhase.CHECKPOINT_STORED, 3), "killed-1")) {
                assertThat(floe.awaitExit(Duration.ofMinutes(2)))
                        .as("see " + floe.log())
                        .isEqualTo(HaltingListener.HALTED);
            }
            StoredCheckpoint stored = checkpoints.latest().orElseThrow();
            assertThat(stored.checkpointId()).isEqualTo(3);
            assertThat(stored.offsets())
                    .as("checkpoint 3 covers records, so its commit matters")
                    .isNotEqualTo(stored.startOffsets());
            assertThat(table.committedCheckpoint(PIPELINE))
                    .as("the table does not have checkpoint 3 yet")
                    .isLessThan(3);

            // 2. restarted: finishes committing 3, then is killed with files open at barrier 6
            try (FloeProcess floe = FloeProcess.run(config, halt(CheckpointPhase.BARRIER_RECEIVED, 6), "killed-2")) {
                assertThat(floe.awaitExit(Duration.ofMinutes(2)))
                        .as("see " + floe.log())
                        .isEqualTo(HaltingListener.HALTED);
            }
            assertThat(table.committedCheckpoint(PIPELINE))
                    .isGreaterThanOrEqualTo(3)
                    .isLessThan(6);

            // 3. restarted, then SIGKILLed from outside once it has committed more. More, not a fixed
            // checkpoint id: a checkpoint without records commits nothing, so the table's checkpoint
            // id only moves while there is data, and on a slow machine the paced production may be
            // over by now: the orders held back arrive during this run
            long beforeRestart = table.committedCheckpoint(PIPELINE);
            try (FloeProcess floe = FloeProcess.run(config, Map.of(), "killed-3")) {
                orders.release();
                await().atMost(Duration.ofMinutes(2))
                        .ignoreExceptions()
                        .until(() -> table.committedCheckpoint(PIPELINE) > beforeRestart);
                assertThat(floe.kill()).isEqualTo(HaltingListener.HALTED);
            }

            // 4. restarted for good: catches up with everything produced, then stops cleanly
            try (FloeProcess floe = FloeProcess.run(config, Map.of(), "killed-4")) {
                await().atMost(Duration.ofMinutes(2)).until(orders::done);
                SourceTruth truth = SourceTruth.read(broker.bootstrapServers(), registry.url(), topic);
                assertThat(truth.validOrderIds().size() + truth.badRecords().size())
                        .isEqualTo(RECORDS);
                await().atMost(Duration.ofMinutes(2))
                        .ignoreExceptions()
                        .until(() -> table.longColumn("order_id").size()
                                        >= truth.validOrderIds().size()
                                && SourceTruth.deadLetterSources(broker.bootstrapServers(), topic + ".dead-letters")
                                                .size()
                                        >= truth.badRecords().size());
                assertThat(floe.stop())
                        .as("a clean stop exits 0; see " + floe.log())
                        .isZero();

                List<Long> ids = table.longColumn("order_id");
                assertThat(ids).as("no row twice").doesNotHaveDuplicates();
                assertThat(new HashSet<>(ids)).isEqualTo(new HashSet<>(truth.validOrderIds()));
                List<String> deadLetters =
                        SourceTruth.deadLetterSources(broker.bootstrapServers(), topic + ".dead-letters");
                assertThat(deadLetters).as("no dead letter twice").doesNotHaveDuplicates();
                assertThat(new HashSet<>(deadLetters)).isEqualTo(truth.badRecords());
                assertThat(table.summaries())
                        .allSatisfy(summary -> assertThat(summary).containsEntry("floe.pipeline", PIPELINE));
            }
        }
    }

    private static Map<String, String> halt(CheckpointPhase phase, long checkpointId) {
        return Map.of(HaltingListener.VARIABLE, phase.name() + ":" + checkpointId);
    }

    private static String config(String bootstrap, String registryUrl, String topic, CatalogConfig catalog, Path dir)
            throws IOException {
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
                    deadLetter:
                      topic: %s.dead-letters
                    sink:
                      table: %s
                """.formatted(
                        bootstrap,
                        registryUrl,
                        catalog.name(),
                        catalog.uri(),
                        catalog.warehouse(),
                        dir.resolve("checkpoints"),
                        PIPELINE,
                        topic,
                        topic,
                        TABLE);
    }
}
