package dev.floe.it.trino;

import static org.awaitility.Awaitility.await;

import dev.floe.compaction.CompactionPolicy;
import dev.floe.compaction.CompactionResult;
import dev.floe.compaction.RewritePlan;
import dev.floe.compaction.TableCompactor;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.FloeRuntime;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compaction benchmark of docs/benchmarks.md: Floe ingests orders with 1-second checkpoints for
 * a while (many small commits), then Trino runs three queries three times each before and after one
 * compaction, which is timed. Never run by {@code verify} (its name does not end in IT):
 *
 * <pre>
 * ./mvnw -B -pl it -am verify -Dit.test=CompactionBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class CompactionBenchmark {
    /**
     * How long Floe ingests with 1-second checkpoints before the measurements: the 10
     * minutes by default, {@code -Dfloe.bench.ingestSeconds=N} for a shorter look.
     */
    private static final Duration INGESTION = Duration.ofSeconds(Long.getLong("floe.bench.ingestSeconds", 600));

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    CompactionBenchmark(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    @Test
    void smallCommitsThenOneCompaction() throws Exception {
        Duration ingestion = INGESTION;
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_compaction_bench", servers.postgres(), servers.s3Mock(), "s3://warehouse/bench");
        String topic = "orders-bench";
        String table = "sales.orders_bench";
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Catalog catalog = lakehouse.floe().load();
        String yaml = lakehouse.floeYaml(
                broker.bootstrapServers(), registry.url(), "bench", topic, table, "      partitionBy: [country]\n");
        long produced = 0;
        int rounds = 0;
        try (OrdersGenerator generator = OrdersGenerator.start(
                        OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic)
                                .withPartitions(2)
                                .withMalformedFraction(0));
                FloeRuntime runtime = FloeRuntime.start(Lakehouse.parse(yaml), Clock.systemUTC())) {
            long deadline = System.nanoTime() + ingestion.toNanos();
            while (System.nanoTime() < deadline) {
                produced += generator.produce(1_000).produced();
                rounds++;
                // a bounded backlog: ingestion stays busy and commits every checkpoint
                long behind = produced - 10_000;
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> Lakehouse.committedRows(catalog, table) >= behind);
            }
            long expected = produced;
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> Lakehouse.committedRows(catalog, table) >= expected);
            runtime.stop(Duration.ofSeconds(60));
        }
        Table loaded = lakehouse.loadTable(table);
        int commits = 0;
        for (var snapshot : loaded.snapshots()) {
            commits++;
        }
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String name = lakehouse.trinoCatalog() + ".sales.orders_bench";
        List<String> queries = List.of(
                "SELECT count(*) FROM " + name,
                "SELECT channel, count(*), sum(price) FROM " + name
                        + " WHERE country = 'DE' AND quantity > 2 GROUP BY channel",
                "SELECT * FROM " + name + " WHERE order_id = " + (produced / 2));
        String files = files(loaded);
        List<Double> before = medians(trino, queries);

        CompactionPolicy policy = CompactionPolicy.defaults().withMinInputFiles(2);
        TableCompactor compactor = new TableCompactor(loaded, policy, Clock.systemUTC());
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long started = System.nanoTime();
        RewritePlan plan = compactor.plan(partition -> true);
        CompactionResult result = compactor.execute(plan);
        double seconds = (System.nanoTime() - started) / 1e9;

        String filesAfter = files(loaded);
        List<Double> after = medians(trino, queries);
        System.out.printf(
                Locale.ROOT,
                "%nCOMPACTION BENCHMARK%n"
                        + "ingestion: %d s, %d rounds, %,d orders, %d snapshots (1 s checkpoints, parallelism 2,"
                        + " partitioned by country)%n"
                        + "before: %s%nafter:  %s%n"
                        + "compaction: %d groups (%d committed), %d files, %.1f MB in %.1f s = %.1f MB/s"
                        + " (plan included), load average %.1f at start%n",
                ingestion.toSeconds(),
                rounds,
                produced,
                commits,
                files,
                filesAfter,
                plan.groups().size(),
                result.committedGroups(),
                result.rewrittenFiles(),
                result.rewrittenBytes() / 1e6,
                seconds,
                result.rewrittenBytes() / 1e6 / seconds,
                load);
        for (int i = 0; i < queries.size(); i++) {
            System.out.printf(
                    Locale.ROOT,
                    "query %d median of 3: before %.0f ms, after %.0f ms (%.1fx): %s%n",
                    i + 1,
                    before.get(i),
                    after.get(i),
                    before.get(i) / after.get(i),
                    queries.get(i));
        }
    }

    private static String files(Table table) throws Exception {
        table.refresh();
        long count = 0;
        long bytes = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                count++;
                bytes += task.file().fileSizeInBytes();
            }
        }
        return String.format(
                Locale.ROOT,
                "%d data files, %.1f MB, average %.1f KB",
                count,
                bytes / 1e6,
                count == 0 ? 0 : bytes / 1e3 / count);
    }

    /** Each query's median time over three runs, in milliseconds. */
    private static List<Double> medians(TrinoServer trino, List<String> queries) throws Exception {
        List<Double> medians = new ArrayList<>();
        for (String query : queries) {
            List<Double> times = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                long started = System.nanoTime();
                Lakehouse.query(trino, query);
                times.add((System.nanoTime() - started) / 1e6);
            }
            Collections.sort(times);
            medians.add(times.get(1));
        }
        return medians;
    }
}
