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
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.PipelineSupervisor;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The compactor against real servers: beside a running ingestion (no failed commit, Trino's count
 * exact, files converging to the target), on a table with position and equality deletes (Trino's
 * view unchanged), with aggressive expiry before a restart without state (exactly once still), and
 * as {@code floe compact --dry-run} (nothing changes).
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class CompactionIT {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionIT.class);
    private static final Duration INGESTION = Duration.ofSeconds(75);

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    @TempDir
    Path directory;

    CompactionIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    private static String compactionYaml(String table, String extra) {
        return "compaction:\n  enabled: true\n  checkInterval: 2s\n" + extra + "  tables:\n    - table: " + table
                + "\n      targetFileSize: 16MB\n      minInputFiles: 2\n      triggerSmallFiles: 2\n";
    }

    private static void assertNoPipelineFailed(FloeRuntime runtime) {
        for (PipelineSupervisor supervisor : runtime.supervisors()) {
            assertThat(supervisor.restarts())
                    .as("restarts of " + supervisor.id())
                    .isZero();
            assertThat(supervisor.current().state()).isNotEqualTo(Pipeline.State.FAILED);
        }
    }

    /** Produces rounds of orders, each committed before the next, for {@code duration}; returns the total. */
    private static long ingestRounds(
            OrdersGenerator generator,
            FloeRuntime runtime,
            Catalog catalog,
            String table,
            long already,
            Duration duration) {
        long produced = already;
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            produced += generator.produce(3_000).produced();
            long expected = produced;
            await("orders committed to " + table)
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast(
                            "a pipeline failed",
                            () -> runtime.pipelines().stream()
                                    .anyMatch(pipeline -> pipeline.state() == Pipeline.State.FAILED))
                    .until(() -> Lakehouse.committedRows(catalog, table) >= expected);
        }
        return produced;
    }

    private static Map<String, Integer> filesPerPartition(Table table) throws Exception {
        table.refresh();
        Map<String, Integer> files = new HashMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = task.file();
                files.merge(table.spec().partitionToPath(file.partition()), 1, Integer::sum);
            }
        }
        return files;
    }

    /** Floe's own appends: each checkpoint id once, their records summing to what was produced. */
    private static void assertFloeAppendsExactlyOnce(Table table, long produced) {
        table.refresh();
        Set<String> checkpoints = new HashSet<>();
        long added = 0;
        int replaces = 0;
        for (Snapshot snapshot = table.currentSnapshot();
                snapshot != null;
                snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
            if ("append".equals(snapshot.operation())) {
                assertThat(checkpoints.add(snapshot.summary().get("floe.checkpoint-id")))
                        .as("checkpoint committed once")
                        .isTrue();
                added += Long.parseLong(snapshot.summary().get("added-records"));
            } else if ("replace".equals(snapshot.operation())) {
                replaces++;
                assertThat(snapshot.summary()).containsKeys("floe.pipeline", "floe.checkpoint-id", "floe.offsets");
            }
        }
        assertThat(added).isEqualTo(produced);
        assertThat(replaces).as("compaction snapshots").isPositive();
    }

    private static long trinoLong(TrinoServer trino, String sql) throws Exception {
        return ((Number) Lakehouse.query(trino, sql).get(0).get(0)).longValue();
    }

    @Test
    void compactorRunsBesideIngestionWithoutFailingACommitAndFilesConverge() throws Exception {
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_compaction", servers.postgres(), servers.s3Mock(), "s3://warehouse/compaction");
        String topic = "orders-compacted";
        String table = "sales.orders_compacted";
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Catalog catalog = lakehouse.floe().load();
        String yaml = lakehouse.floeYaml(
                        broker.bootstrapServers(),
                        registry.url(),
                        "compacted",
                        topic,
                        table,
                        "      partitionBy: [country]\n")
                + compactionYaml(table, "  expireSnapshots: false\n");
        long produced;
        try (OrdersGenerator generator = OrdersGenerator.start(
                        OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic)
                                .withPartitions(2)
                                .withMalformedFraction(0));
                FloeRuntime runtime = FloeRuntime.start(Lakehouse.parse(yaml), Clock.systemUTC())) {
            produced = ingestRounds(generator, runtime, catalog, table, 0, INGESTION);
            Table loaded = lakehouse.loadTable(table);
            // ingestion has stopped: the compactor's next runs leave each partition at one file
            await("files per partition converging")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> filesPerPartition(loaded).values().stream().allMatch(files -> files == 1));
            assertNoPipelineFailed(runtime);
            runtime.stop(Duration.ofSeconds(60));
        }
        Table loaded = lakehouse.loadTable(table);
        LOG.info("Files per partition of {} after {} orders: {}", table, produced, filesPerPartition(loaded));
        assertFloeAppendsExactlyOnce(loaded, produced);

        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String name = lakehouse.trinoCatalog() + ".sales.orders_compacted";
        assertThat(trinoLong(trino, "SELECT count(*) FROM " + name)).isEqualTo(produced);
        assertThat(trinoLong(trino, "SELECT count(DISTINCT order_id) FROM " + name))
                .isEqualTo(produced);
    }

    @Test
    void tableWithPositionAndEqualityDeletesIsCompactedAndTrinoSeesTheSameRows() throws Exception {
        Lakehouse lakehouse = Lakehouse.rest("floe_compaction_deletes", servers.restCatalog());
        Catalog catalog = lakehouse.floe().load();
        String table = "sales.deleted_rows";
        Table created = DeletesTable.create(catalog, table);
        DeletesTable.fill(created, List.of("eu", "us", "ap"), 6, 200);
        DeletesTable.deleteSome(created);
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String name = lakehouse.trinoCatalog() + ".sales.deleted_rows";
        String view = "SELECT region, count(*), sum(amount), min(id), max(id), sum(id * id) FROM " + name
                + " GROUP BY region ORDER BY region";
        List<List<Object>> before = Lakehouse.query(trino, view);
        LOG.info("Before compaction:\n{}", Lakehouse.describe(before));
        Path config = directory.resolve("floe.yaml");
        Files.writeString(
                config,
                lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), "unused", "unused", table, ""),
                StandardCharsets.UTF_8);
        created.refresh();
        long snapshotBefore = created.currentSnapshot().snapshotId();

        // a dry run plans and changes nothing
        String dryRun = runCli("compact", "--config", config.toString(), "--table", table, "--dry-run", "--json");
        JsonNode plan = new ObjectMapper().readTree(dryRun);
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        assertThat(plan.get("plan").get("groups")).hasSize(3);
        assertThat(plan.get("plan").get("files").asInt()).isEqualTo(18);
        assertThat(plan.has("result")).isFalse();
        created.refresh();
        assertThat(created.currentSnapshot().snapshotId()).isEqualTo(snapshotBefore);

        CliRun run = runCliWithErr("compact", "--config", config.toString(), "--table", table, "--progress");
        String output = run.out();
        LOG.info("floe compact:\n{}", output);

        assertThat(output).contains("Committed 3 of 3 groups");
        // the progress bar goes to standard error, so the printed plan and result stay parseable
        assertThat(run.err())
                .contains("Compacting ")
                .contains(table)
                .contains("100%")
                .contains("3/3 bins");
        assertThat(output).doesNotContain("bins");
        created.refresh();
        assertThat(created.currentSnapshot().snapshotId()).isNotEqualTo(snapshotBefore);
        assertThat(created.currentSnapshot().operation()).isEqualTo("replace");
        assertThat(filesPerPartition(created))
                .containsOnlyKeys("region=eu", "region=us", "region=ap")
                .allSatisfy((partition, files) -> assertThat(files).isEqualTo(1));
        List<List<Object>> after = Lakehouse.query(trino, view);
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aggressiveExpiryThenARestartWithoutStateResumesExactlyOnce() throws Exception {
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_compaction_expiry", servers.postgres(), servers.s3Mock(), "s3://warehouse/expiry");
        String topic = "orders-expiry";
        String table = "sales.orders_expiry";
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Catalog catalog = lakehouse.floe().load();
        String yaml = lakehouse.floeYaml(
                        broker.bootstrapServers(),
                        registry.url(),
                        "expiry",
                        topic,
                        table,
                        "      partitionBy: [country]\n")
                + compactionYaml(table, "  expireSnapshots: true\n")
                + "      snapshotRetention: 1ms\n      minSnapshots: 1\n";
        long produced;
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic)
                        .withPartitions(2)
                        .withMalformedFraction(0))) {
            try (FloeRuntime runtime = FloeRuntime.start(Lakehouse.parse(yaml), Clock.systemUTC())) {
                produced = ingestRounds(generator, runtime, catalog, table, 0, Duration.ofSeconds(30));
                Table loaded = lakehouse.loadTable(table);
                // the compactor rewrote and expired behind the pipeline: its appends' history is gone
                await("history expired behind the pipeline")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            loaded.refresh();
                            return "replace".equals(loaded.currentSnapshot().operation())
                                    && count(loaded.snapshots()) <= 3;
                        });
                assertNoPipelineFailed(runtime);
                runtime.stop(Duration.ofSeconds(60));
            }
            Table loaded = lakehouse.loadTable(table);
            assertThat(loaded.refs()).containsKey("floe-expiry");
            assertThat(loaded.snapshot(loaded.refs().get("floe-expiry").snapshotId()))
                    .isNotNull();

            // restart without checkpoint state: only the table says what it holds
            String fresh = yaml.replace(
                    "storage: s3://" + Lakehouse.CHECKPOINT_BUCKET + "/" + table.replace('.', '-'),
                    "storage: s3://" + Lakehouse.CHECKPOINT_BUCKET + "/" + table.replace('.', '-') + "-fresh");
            assertThat(fresh).isNotEqualTo(yaml);
            try (FloeRuntime runtime = FloeRuntime.start(Lakehouse.parse(fresh), Clock.systemUTC())) {
                produced = ingestRounds(generator, runtime, catalog, table, produced, Duration.ofSeconds(10));
                assertNoPipelineFailed(runtime);
                runtime.stop(Duration.ofSeconds(60));
            }
        }
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String name = lakehouse.trinoCatalog() + ".sales.orders_expiry";
        assertThat(trinoLong(trino, "SELECT count(*) FROM " + name)).isEqualTo(produced);
        assertThat(trinoLong(trino, "SELECT count(DISTINCT order_id) FROM " + name))
                .isEqualTo(produced);
    }

    private static int count(Iterable<Snapshot> snapshots) {
        int count = 0;
        for (Snapshot ignored : snapshots) {
            count++;
        }
        return count;
    }

    private static String runCli(String... args) {
        return runCliWithErr(args).out();
    }

    private record CliRun(String out, String err) {}

    private static CliRun runCliWithErr(String... args) {
        CommandLine cli = FloeCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        assertThat(exit)
                .as("floe %s exit code; stderr: %s", String.join(" ", args), err)
                .isZero();
        return new CliRun(out.toString(), err.toString());
    }
}
