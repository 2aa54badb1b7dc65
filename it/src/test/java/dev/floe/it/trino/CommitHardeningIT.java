package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.checkpoint.S3CheckpointStorage;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.it.exactlyonce.FloeProcess;
import dev.floe.it.exactlyonce.HaltingListener;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The commit hardening of issue F6 end to end, against a real broker, catalog (PostgreSQL), object
 * store and Trino; the unit-level list, one test per item, is the iceberg-sink module's {@code
 * CommitHardeningTest}.
 *
 * <ul>
 *   <li>a Floe process killed after a checkpoint was stored and before its commit, restarted with
 *       its checkpoint storage wiped: the table alone says where to resume, nothing is dropped or
 *       repeated;
 *   <li>Trino's {@code expire_snapshots} with a short retention, after other writers committed on
 *       top of Floe: the {@code floe-<pipeline>} tag keeps the marker, so Floe restarted (again
 *       without its checkpoints, the marker being all it has) adds no duplicate.
 * </ul>
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class CommitHardeningIT {
    private static final Logger LOG = LoggerFactory.getLogger(CommitHardeningIT.class);
    /** Orders arrive at about 800 a second, for longer than a slow start and the kill take. */
    private static final int CHUNK = 200;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    CommitHardeningIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
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
    void restartWithCheckpointStorageWipedAfterAKillBeforeTheCommitNeitherDropsNorRepeatsCommits() throws Exception {
        String pipeline = "wiped";
        String topic = "orders-hardening-wiped";
        String table = "sales.orders_hardening_wiped";
        long records = 48_000;
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_wiped", servers.postgres(), servers.s3Mock(), "s3://warehouse/hardening-wiped");
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Path config = servers.newDirectory("commit-hardening-wiped").resolve("floe.yaml");
        Files.writeString(
                config, lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), pipeline, topic, table, ""));
        TableProbe probe = new TableProbe(lakehouse.floe(), table);

        AtomicLong produced = new AtomicLong();
        long committedBeforeWipe;
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        try (OrdersGenerator generator = generator(topic)) {
            ScheduledFuture<?> production = producer.scheduleWithFixedDelay(
                    () -> {
                        if (produced.get() < records) {
                            produced.addAndGet(generator.produce(CHUNK).produced());
                        }
                    },
                    0,
                    250,
                    TimeUnit.MILLISECONDS);

            // killed once checkpoint 3 is stored, before it reaches the table
            try (FloeProcess floe = FloeProcess.run(
                    config,
                    Map.of(HaltingListener.VARIABLE, CheckpointPhase.CHECKPOINT_STORED.name() + ":3"),
                    "commit-hardening-wiped-1")) {
                assertThat(floe.awaitExit(Duration.ofMinutes(2)))
                        .as("see " + floe.log())
                        .isEqualTo(HaltingListener.HALTED);
            }
            String yaml = Files.readString(config);
            try (S3CheckpointStorage storage = new S3CheckpointStorage(
                    (CheckpointLocation.S3) Lakehouse.parse(yaml).checkpoints().storage(), pipeline)) {
                StoredCheckpoint stored = storage.latest().orElseThrow();
                assertThat(stored.checkpointId()).isEqualTo(3);
                assertThat(stored.offsets())
                        .as("checkpoint 3 covers records, so losing it matters")
                        .isNotEqualTo(stored.startOffsets());
            }
            committedBeforeWipe = probe.committedCheckpoint(pipeline);
            assertThat(committedBeforeWipe)
                    .as("the table holds an earlier checkpoint, not checkpoint 3")
                    .isBetween(1L, 2L);
            String prefix = checkpointPrefix(table);
            assertThat(wipe(lakehouse, prefix))
                    .as("checkpoint 3 was stored under " + prefix)
                    .isPositive();

            // restarted without any checkpoint: catches up with everything, then stops cleanly
            try (FloeProcess floe = FloeProcess.run(config, Map.of(), "commit-hardening-wiped-2")) {
                await().atMost(Duration.ofMinutes(3)).until(() -> produced.get() >= records);
                production.cancel(false);
                long total = produced.get();
                await().atMost(Duration.ofMinutes(3))
                        .ignoreExceptions()
                        .until(() -> probe.longColumn("order_id").size() >= total);
                assertThat(floe.stop())
                        .as("a clean stop exits 0; see " + floe.log())
                        .isZero();
            }
        } finally {
            producer.shutdownNow();
        }

        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        ProducedOrders truth = ProducedOrders.read(broker.bootstrapServers(), topic);
        String name = lakehouse.trinoCatalog() + ".sales.orders_hardening_wiped";
        assertThat(Lakehouse.query(trino, "SELECT count(*), count(DISTINCT order_id) FROM " + name))
                .containsExactly(List.of(truth.count(), truth.distinctOrderIds()));
        List<Long> checkpointIds = floeCheckpointIds(trino, name, pipeline);
        assertThat(checkpointIds)
                .as("the restart numbered its checkpoints after the table's, never reusing one")
                .doesNotHaveDuplicates()
                .isSorted();
        assertThat(checkpointIds.get(checkpointIds.size() - 1)).isGreaterThan(committedBeforeWipe);
    }

    @Test
    void expireSnapshotsInTrinoWithAShortRetentionKeepsTheMarkerSoARestartAddsNoDuplicate() throws Exception {
        String pipeline = "expiry";
        String topic = "orders-hardening-expiry";
        String table = "sales.orders_hardening_expiry";
        String name = "floe_expiry.sales.orders_hardening_expiry";
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_expiry", servers.postgres(), servers.s3Mock(), "s3://warehouse/hardening-expiry");
        String yaml = lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), pipeline, topic, table, "");
        TrinoServer trino = servers.trino();
        try (OrdersGenerator generator = generator(topic)) {
            long produced = generator.produce(5_000).produced();
            lakehouse.ingest(Lakehouse.parse(yaml), table, produced);
            produced += generator.produce(5_000).produced();
            lakehouse.ingest(Lakehouse.parse(yaml), table, produced);

            // Trino may expire right away: its default minimum retention is a week
            Map<String, String> properties = new LinkedHashMap<>(lakehouse.trinoProperties());
            properties.put("iceberg.expire-snapshots.min-retention", "0s");
            trino.createIcebergCatalog(lakehouse.trinoCatalog(), properties);
            long floeCommit = newestFloeSnapshot(trino, name, pipeline);

            // two commits of another writer on top of Floe's, then expiry of everything but the current
            // snapshot: no Floe commit is an ancestor of the current snapshot any more
            String columns = columns(trino, "sales", "orders_hardening_expiry").stream()
                    .map(column -> column.equals("order_id") ? "-1 - order_id AS order_id" : column)
                    .collect(Collectors.joining(", "));
            // copies of Floe's first and last order, with negative ids (ordered in a subquery: outside
            // it, order_id would name the negated column)
            execute(
                    trino,
                    "INSERT INTO " + name + " SELECT " + columns + " FROM (SELECT * FROM " + name
                            + " WHERE order_id >= 0 ORDER BY order_id LIMIT 1)");
            execute(
                    trino,
                    "INSERT INTO " + name + " SELECT " + columns + " FROM (SELECT * FROM " + name
                            + " WHERE order_id >= 0 ORDER BY order_id DESC LIMIT 1)");
            execute(trino, "ALTER TABLE " + name + " EXECUTE expire_snapshots(retention_threshold => '0s')");

            List<List<Object>> snapshots = Lakehouse.query(
                    trino,
                    "SELECT snapshot_id, parent_id, element_at(summary, 'floe.pipeline') FROM \""
                            + name.replace(".", "\".\"") + "$snapshots\" ORDER BY committed_at");
            LOG.info("Snapshots of {} after expiry:\n{}", table, Lakehouse.describe(snapshots));
            assertThat(snapshots)
                    .as("the current snapshot and the tagged Floe commit")
                    .hasSize(2);
            assertThat(snapshots.get(0))
                    .containsExactly(floeCommit, snapshots.get(0).get(1), pipeline);
            assertThat(snapshots.get(1).get(2)).as("the other writer's commit").isNull();
            assertThat(snapshots.get(1).get(1))
                    .as("its parent, the other writer's first commit, is expired")
                    .isNotEqualTo(floeCommit);
            assertThat(Lakehouse.query(
                            trino,
                            "SELECT name, type, snapshot_id FROM \"" + name.replace(".", "\".\"")
                                    + "$refs\" WHERE name = 'floe-" + pipeline + "'"))
                    .containsExactly(List.of("floe-" + pipeline, "TAG", floeCommit));

            // restarted without its checkpoints, so the table's marker is all it has to resume from
            long wiped = wipe(lakehouse, checkpointPrefix(table));
            assertThat(wiped).isPositive();
            produced += generator.produce(5_000).produced();
            lakehouse.ingest(Lakehouse.parse(yaml), table, produced + 2);
        }

        ProducedOrders truth = ProducedOrders.read(broker.bootstrapServers(), topic);
        assertThat(Lakehouse.query(
                        trino, "SELECT count(*), count(DISTINCT order_id) FROM " + name + " WHERE order_id >= 0"))
                .as("every produced order once, none read again from the start")
                .containsExactly(List.of(truth.count(), truth.distinctOrderIds()));
        assertThat(Lakehouse.query(trino, "SELECT count(*) FROM " + name + " WHERE order_id < 0"))
                .as("the other writer's rows")
                .containsExactly(List.of(2L));
        long newest = newestFloeSnapshot(trino, name, pipeline);
        assertThat(Lakehouse.query(
                        trino,
                        "SELECT snapshot_id FROM \"" + name.replace(".", "\".\"") + "$refs\" WHERE name = 'floe-"
                                + pipeline + "'"))
                .as("the tag moved to Floe's newest commit")
                .containsExactly(List.of(newest));
    }

    /** Where {@link Lakehouse#floeYaml} stores the checkpoints of {@code table}. */
    private static String checkpointPrefix(String table) {
        return table.replace('.', '-') + "/";
    }

    /** Deletes every object under {@code prefix} of the checkpoint bucket; how many there were. */
    private static long wipe(Lakehouse lakehouse, String prefix) {
        try (S3Client client = lakehouse.store().client()) {
            List<String> keys = new ArrayList<>();
            client
                    .listObjectsV2Paginator(request ->
                            request.bucket(Lakehouse.CHECKPOINT_BUCKET).prefix(prefix))
                    .contents()
                    .stream()
                    .map(S3Object::key)
                    .forEach(keys::add);
            for (String key : keys) {
                client.deleteObject(
                        request -> request.bucket(Lakehouse.CHECKPOINT_BUCKET).key(key));
            }
            assertThat(client.listObjectsV2(request ->
                                    request.bucket(Lakehouse.CHECKPOINT_BUCKET).prefix(prefix))
                            .contents())
                    .as("checkpoint storage under " + prefix + " wiped")
                    .isEmpty();
            return keys.size();
        }
    }

    private static List<Long> floeCheckpointIds(TrinoServer trino, String table, String pipeline) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (List<Object> row : Lakehouse.query(
                trino,
                "SELECT element_at(summary, 'floe.checkpoint-id') FROM \"" + table.replace(".", "\".\"")
                        + "$snapshots\" WHERE element_at(summary, 'floe.pipeline') = '" + pipeline
                        + "' ORDER BY committed_at")) {
            ids.add(Long.parseLong((String) row.get(0)));
        }
        return ids;
    }

    private static long newestFloeSnapshot(TrinoServer trino, String table, String pipeline) throws SQLException {
        List<List<Object>> rows = Lakehouse.query(
                trino,
                "SELECT snapshot_id FROM \"" + table.replace(".", "\".\"") + "$snapshots\" WHERE"
                        + " element_at(summary, 'floe.pipeline') = '" + pipeline
                        + "' ORDER BY committed_at DESC LIMIT 1");
        assertThat(rows).as("a Floe commit in " + table).hasSize(1);
        return (Long) rows.get(0).get(0);
    }

    private static List<String> columns(TrinoServer trino, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (List<Object> row : Lakehouse.query(
                trino,
                "SELECT column_name FROM floe_expiry.information_schema.columns WHERE table_schema = '" + schema
                        + "' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
            columns.add((String) row.get(0));
        }
        return columns;
    }

    private static void execute(TrinoServer trino, String sql) throws SQLException {
        try (Connection connection = trino.connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
