package dev.floe.it.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.iceberg.CatalogConfig;
import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * Floe's ingest benchmark: pre-produces N orders (Confluent Avro, 4 partitions by default), then
 * runs the distribution's {@code bin/floe run} as its own process and measures the time until every
 * record is committed, from the process's start and in steady state (between the first and the last
 * commit), with the process's CPU time, peak heap and peak RSS. Never run by the tests:
 *
 * <pre>
 * ./mvnw -pl it -am -Pbench verify -Dbench.args="--records 5000000 --parallelism 2"
 * </pre>
 *
 * <p>{@code --workload window} measures the windowed pipeline instead: the same orders, keyed by
 * customer (10,000 of them) into a 1-minute tumbling event-time window with a count and two sums.
 * Its table holds windows, not orders, so that run reads to the end of the topic ({@code floe run
 * --until-end}) and is timed until the process exits; {@code --until-end} times the append workload
 * the same way, for a like-for-like ratio. Both report the largest checkpoint still kept at the end.
 */
public final class IngestBenchmark {
    private static final String PIPELINE = "bench";
    private static final String TABLE = "bench.orders";

    /** The window workload's mapping: per customer and event-time minute. */
    private static final String WINDOW_MAPPING = """
                eventTime:
                  field: event_time
                  maxOutOfOrderness: 5s
                window:
                  type: tumbling
                  size: 1m
                  keyBy: [customer_id]
                  aggregates:
                    - {name: orders, function: count}
                    - {name: units, function: sum, field: quantity}
                    - {name: revenue, function: sum, field: price}
            """;

    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Path directory = Files.createTempDirectory(Path.of("target"), "bench-").toAbsolutePath();
        System.out.printf(
                "Benchmark in %s: %s workload%s, %,d records, %d partitions, parallelism %d, checkpoint %s%n",
                directory,
                settings.workload,
                settings.untilEnd() ? " until the end of the topic" : "",
                settings.records,
                settings.partitions,
                settings.parallelism,
                settings.interval);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(directory.resolve("kafka"));
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers())) {
            GeneratorReport produced;
            try (OrdersGenerator generator = OrdersGenerator.start(
                    OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), "orders")
                            .withPartitions(settings.partitions)
                            .withMalformedFraction(0))) {
                produced = generator.produce(settings.records);
            }
            System.out.printf(
                    "Pre-produced %,d records (%,.1f MB of Avro payload) in %.1f s%n",
                    produced.produced(),
                    produced.payloadBytes() / 1e6,
                    produced.elapsed().toMillis() / 1e3);

            CatalogConfig catalog = new CatalogConfig(
                    "bench",
                    "jdbc",
                    "jdbc:sqlite:" + directory.resolve("catalog.db"),
                    directory.resolve("warehouse").toUri().toString(),
                    Map.of());
            Path config = directory.resolve("floe.yaml");
            Files.writeString(config, config(broker.bootstrapServers(), registry.url(), catalog, directory, settings));
            Result result = run(settings, config, catalog, directory);
            result.print(produced);
            Path json = directory.resolve("result.json");
            Files.writeString(json, result.json(settings, produced));
            System.out.println("Result: " + json);
        }
    }

    private static Result run(Settings settings, Path config, CatalogConfig catalog, Path directory) throws Exception {
        Path floe = Path.of("..", "deploy", "target", "floe", "bin", "floe")
                .toAbsolutePath()
                .normalize();
        if (!Files.isExecutable(floe)) {
            throw new IllegalStateException("Cannot find the distribution at " + floe + ": build it with -am");
        }
        List<String> command = new ArrayList<>(List.of(floe.toString(), "run", "--config", config.toString()));
        if (settings.untilEnd()) {
            command.add("--until-end");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("floe.log").toFile());
        if (settings.javaOptions != null) {
            builder.environment().put("FLOE_JAVA_OPTS", settings.javaOptions);
        }
        long started = System.nanoTime();
        Process process = builder.start();
        Catalog probe = catalog.load();
        try (ProcessMonitor monitor = ProcessMonitor.attach(process.pid())) {
            long deadline = started + TimeUnit.MINUTES.toNanos(30);
            if (settings.untilEnd()) {
                // a bounded run: done when the process has committed its final checkpoint and exits
                if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new IllegalStateException("Floe did not end its bounded run within 30 minutes with"
                            + " status 0; see " + directory.resolve("floe.log"));
                }
                long elapsed = System.nanoTime() - started;
                // the process is gone: its figures are the monitor's last samples
                return new Result(
                        Duration.ofNanos(elapsed),
                        Duration.ofNanos(monitor.lastSampledCpuNanos()),
                        monitor.peakHeapBytes(),
                        monitor.sampledPeakRssBytes(),
                        snapshots(probe),
                        settings.records,
                        CheckpointSize.largest(directory.resolve("checkpoints").resolve(PIPELINE)));
            }
            long committed = 0;
            while (committed < settings.records) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "Floe exited with " + process.exitValue() + "; see " + directory.resolve("floe.log"));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every record was committed within 30 minutes");
                }
                committed = committedRows(probe);
                process.waitFor(200, TimeUnit.MILLISECONDS);
            }
            long elapsed = System.nanoTime() - started;
            long cpu = monitor.cpuNanos();
            long peakRss = monitor.peakRssBytes();
            long peakHeap = monitor.peakHeapBytes();
            List<Snapshot> snapshots = snapshots(probe);
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            return new Result(
                    Duration.ofNanos(elapsed),
                    Duration.ofNanos(cpu),
                    peakHeap,
                    peakRss,
                    snapshots,
                    committed,
                    CheckpointSize.largest(directory.resolve("checkpoints").resolve(PIPELINE)));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            ((Closeable) probe).close();
        }
    }

    private static long committedRows(Catalog catalog) {
        try {
            Table table = catalog.loadTable(TableIdentifier.parse(TABLE));
            Snapshot current = table.currentSnapshot();
            return current == null ? 0 : Long.parseLong(current.summary().getOrDefault("total-records", "0"));
        } catch (NoSuchTableException e) {
            return 0;
        }
    }

    private static List<Snapshot> snapshots(Catalog catalog) {
        List<Snapshot> snapshots = new ArrayList<>();
        catalog.loadTable(TableIdentifier.parse(TABLE)).snapshots().forEach(snapshots::add);
        return snapshots;
    }

    private static String config(
            String bootstrap, String registryUrl, CatalogConfig catalog, Path directory, Settings settings) {
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
                  interval: %s
                  storage: %s
                pipelines:
                  - id: %s
                    parallelism: %d
                    source:
                      topics: [orders]
                    sink:
                      table: %s
                %s""".formatted(
                        bootstrap,
                        registryUrl,
                        catalog.name(),
                        catalog.uri(),
                        catalog.warehouse(),
                        settings.interval,
                        directory.resolve("checkpoints"),
                        PIPELINE,
                        settings.parallelism,
                        TABLE,
                        settings.workload.equals("window") ? WINDOW_MAPPING : "");
    }

    /** The benchmark's options. */
    private static final class Settings {
        long records = 5_000_000;
        int partitions = 4;
        int parallelism = 2;
        String interval = "10s";
        String javaOptions;
        String workload = "append";
        boolean untilEnd;

        boolean untilEnd() {
            return untilEnd || workload.equals("window");
        }

        static Settings parse(String[] args) {
            Settings settings = new Settings();
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--records":
                        settings.records = Long.parseLong(value.replace("_", ""));
                        break;
                    case "--partitions":
                        settings.partitions = Integer.parseInt(value);
                        break;
                    case "--parallelism":
                        settings.parallelism = Integer.parseInt(value);
                        break;
                    case "--checkpoint-interval":
                        settings.interval = value;
                        break;
                    case "--java-options":
                        settings.javaOptions = value;
                        break;
                    case "--workload":
                        if (!value.equals("append") && !value.equals("window")) {
                            throw new IllegalArgumentException("--workload is append or window, not " + value);
                        }
                        settings.workload = value;
                        break;
                    case "--until-end":
                        settings.untilEnd = true;
                        // a flag: no value to skip
                        i--;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + args[i] + "; options: --records N"
                                + " --partitions N --parallelism N --checkpoint-interval 10s --java-options '...'"
                                + " --workload append|window --until-end");
                }
            }
            return settings;
        }
    }

    /** What one run measured. */
    private record Result(
            Duration elapsed,
            Duration cpu,
            long peakHeap,
            long peakRss,
            List<Snapshot> snapshots,
            long records,
            CheckpointSize checkpoint) {
        /** Rows the table got: orders for the append workload, windows for the window workload. */
        long rows() {
            return snapshots.stream()
                    .mapToLong(s -> Long.parseLong(s.summary().get("added-records")))
                    .sum();
        }

        /** Records per second between the first and the last commit, excluding the first commit's rows. */
        double steadyRate() {
            if (snapshots.size() < 2) {
                return Double.NaN;
            }
            Snapshot first = snapshots.get(0);
            Snapshot last = snapshots.get(snapshots.size() - 1);
            long rows = rows() - Long.parseLong(first.summary().get("added-records"));
            return rows / ((last.timestampMillis() - first.timestampMillis()) / 1e3);
        }

        void print(GeneratorReport produced) {
            double seconds = elapsed.toNanos() / 1e9;
            double bytesPerRecord = (double) produced.payloadBytes() / produced.produced();
            System.out.printf(
                    "Ingested %,d records (%,d table rows) in %.1f s from process start: %,.0f records/s, %.1f"
                            + " MB/s%n",
                    records, rows(), seconds, records / seconds, records * bytesPerRecord / seconds / 1e6);
            System.out.printf("Steady state (first to last commit): %,.0f table rows/s%n", steadyRate());
            System.out.printf(
                    "Largest checkpoint kept: %s, %,d bytes in %,d files (%,d bytes kept in all)%n",
                    checkpoint.name(), checkpoint.bytes(), checkpoint.files(), checkpoint.keptBytes());
            System.out.printf(
                    "CPU %.1f s (%.2f CPU-s per million records), peak heap %,d MB, peak RSS %,d MB," + " %d commits%n",
                    cpu.toNanos() / 1e9,
                    cpu.toNanos() / 1e9 / (records / 1e6),
                    peakHeap >> 20,
                    peakRss >> 20,
                    snapshots.size());
        }

        String json(Settings settings, GeneratorReport produced) throws Exception {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("when", Instant.now().toString());
            node.put("workload", settings.workload);
            node.put("untilEnd", settings.untilEnd());
            node.put("records", records);
            node.put("tableRows", rows());
            node.put("checkpointBytes", checkpoint.bytes());
            node.put("partitions", settings.partitions);
            node.put("parallelism", settings.parallelism);
            node.put("checkpointInterval", settings.interval);
            node.put("payloadBytes", produced.payloadBytes());
            node.put("seconds", elapsed.toMillis() / 1e3);
            node.put("recordsPerSecond", records / (elapsed.toNanos() / 1e9));
            node.put("steadyRecordsPerSecond", steadyRate());
            node.put("cpuSeconds", cpu.toMillis() / 1e3);
            node.put("peakHeapBytes", peakHeap);
            node.put("peakRssBytes", peakRss);
            node.put("commits", snapshots.size());
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        }
    }
}
