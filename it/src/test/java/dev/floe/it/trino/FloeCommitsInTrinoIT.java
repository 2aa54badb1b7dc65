package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.FloeRuntime;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Floe's commits as Trino shows them: one snapshot per completed checkpoint, each with Floe's
 * {@code floe.*} summary, and data files that are Parquet of the configured target size.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class FloeCommitsInTrinoIT {
    private static final Logger LOG = LoggerFactory.getLogger(FloeCommitsInTrinoIT.class);
    private static final long TARGET_FILE_SIZE = 256 * 1024;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;
    private final ObjectMapper json = new ObjectMapper();

    FloeCommitsInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    private OrdersGenerator generator(String topic) {
        return OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic)
                .withPartitions(2)
                .withMalformedFraction(0));
    }

    @Test
    void snapshotsTableShowsOneSnapshotPerCompletedCheckpointWithFloesSummary() throws Exception {
        TrinoServer trino = servers.trino();
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_commits", servers.postgres(), servers.s3Mock(), "s3://warehouse/commits");
        String topic = "orders-snapshots";
        String table = "sales.orders_snapshots";
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Catalog catalog = lakehouse.floe().load();
        long produced = 0;
        try (OrdersGenerator generator = generator(topic);
                FloeRuntime runtime = FloeRuntime.start(
                        Lakehouse.parse(lakehouse.floeYaml(
                                broker.bootstrapServers(), registry.url(), "snapshots", topic, table, "")),
                        Clock.systemUTC())) {
            // each round is committed before the next is produced: at least one checkpoint each
            for (int round = 1; round <= 3; round++) {
                produced += generator.produce(5_000).produced();
                long expected = produced;
                await("round " + round + " committed")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> Lakehouse.committedRows(catalog, table) >= expected);
            }
            runtime.stop(Duration.ofSeconds(60));
        }
        lakehouse.registerIn(trino);

        List<List<Object>> snapshots = Lakehouse.query(
                trino,
                "SELECT snapshot_id, operation, summary FROM " + lakehouse.trinoCatalog()
                        + ".sales.\"orders_snapshots$snapshots\" ORDER BY committed_at");
        LOG.info("Snapshots of {}:\n{}", table, Lakehouse.describe(snapshots));

        assertThat(snapshots).hasSizeGreaterThanOrEqualTo(3);
        List<Long> checkpointIds = new ArrayList<>();
        long added = 0;
        for (List<Object> snapshot : snapshots) {
            assertThat(snapshot.get(1)).isEqualTo("append");
            @SuppressWarnings("unchecked")
            Map<String, String> summary = (Map<String, String>) snapshot.get(2);
            assertThat(summary).containsEntry("floe.pipeline", "snapshots").containsKey("floe.offsets");
            checkpointIds.add(Long.parseLong(summary.get("floe.checkpoint-id")));
            added += Long.parseLong(summary.get("added-records"));
        }
        // one snapshot per checkpoint: each checkpoint id once, in commit order
        assertThat(checkpointIds).doesNotHaveDuplicates().isSorted();
        assertThat(added).isEqualTo(produced);

        // Trino's view is the table's own history
        Table loaded = lakehouse.loadTable(table);
        assertThat(snapshots.stream().map(row -> row.get(0)).collect(Collectors.toList()))
                .isEqualTo(StreamSupport.stream(loaded.snapshots().spliterator(), false)
                        .map(Snapshot::snapshotId)
                        .collect(Collectors.toList()));

        // the newest summary's offsets are where the topic ends
        @SuppressWarnings("unchecked")
        Map<String, String> newest =
                (Map<String, String>) snapshots.get(snapshots.size() - 1).get(2);
        ProducedOrders orders = ProducedOrders.read(broker.bootstrapServers(), topic);
        assertThat(offsets(newest.get("floe.offsets"), topic)).isEqualTo(orders.endOffsets());
    }

    private Map<Integer, Long> offsets(String text, String topic) throws IOException {
        JsonNode partitions = json.readTree(text).get(topic);
        Map<Integer, Long> offsets = new HashMap<>();
        partitions
                .fields()
                .forEachRemaining(entry -> offsets.put(
                        Integer.parseInt(entry.getKey()), entry.getValue().asLong()));
        return offsets;
    }

    @Test
    void filesTableShowsParquetFilesOfTheConfiguredTargetSize() throws Exception {
        TrinoServer trino = servers.trino();
        Lakehouse lakehouse = Lakehouse.rest("floe_files", servers.restCatalog());
        String topic = "orders-files";
        String table = "sales.orders_files";
        long orders = 80_000;
        try (OrdersGenerator generator = generator(topic)) {
            generator.produce(orders);
        }
        lakehouse.ingest(
                Lakehouse.parse(lakehouse.floeYaml(
                        broker.bootstrapServers(),
                        registry.url(),
                        "files",
                        topic,
                        table,
                        "      targetFileSize: 256KB\n")),
                table,
                orders);
        lakehouse.registerIn(trino);

        List<List<Object>> files = Lakehouse.query(
                trino,
                "SELECT file_path, file_format, record_count, file_size_in_bytes FROM " + lakehouse.trinoCatalog()
                        + ".sales.\"orders_files$files\" ORDER BY file_size_in_bytes DESC");
        LOG.info("Files of {}:\n{}", table, Lakehouse.describe(files));

        assertThat(files).allSatisfy(file -> {
            assertThat((String) file.get(0)).startsWith("s3://warehouse/rest/").endsWith(".parquet");
            assertThat(file.get(1)).isEqualTo("PARQUET");
        });
        assertThat(files.stream().mapToLong(file -> (Long) file.get(2)).sum()).isEqualTo(orders);
        // files roll when they reach the target; only a checkpoint closes one earlier
        List<Long> sizes = files.stream().map(file -> (Long) file.get(3)).collect(Collectors.toList());
        assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(TARGET_FILE_SIZE * 5 / 4));
        assertThat(sizes.stream().filter(size -> size >= TARGET_FILE_SIZE * 3 / 4))
                .as("files rolled at the target size")
                .hasSizeGreaterThanOrEqualTo(2);
    }
}
