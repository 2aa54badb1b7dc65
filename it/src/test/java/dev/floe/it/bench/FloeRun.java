package dev.floe.it.bench;

import dev.floe.iceberg.CatalogConfig;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * One run of a Floe distribution's {@code bin/floe run} as its own process, into a fresh catalog and
 * table, until every record of the topic is committed; watched by a {@link ProcessMonitor}.
 */
final class FloeRun {
    static final String PIPELINE = "bench";
    static final String TABLE = "bench.orders";

    private static final Pattern STORED = Pattern.compile("Checkpoint (\\d+) of pipeline \\S+ stored in (\\d+) ms");
    private static final Pattern COMMITTED =
            Pattern.compile("Committed checkpoint (\\d+) of pipeline \\S+ to table \\S+: .* in (\\d+) ms");

    private FloeRun() {}

    /** What one run measured. */
    record Measured(
            String distribution,
            Duration elapsed,
            Duration cpu,
            long peakHeap,
            long peakRss,
            List<Snapshot> snapshots,
            List<ProcessMonitor.Sample> samples,
            Map<String, Long> cpuByThreadGroup,
            List<Long> commitLatenciesMillis,
            Path directory) {}

    /** The window workload's mapping: per customer (10,000 of them) and event-time minute. */
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

    static Measured run(
            Path floe,
            String bootstrap,
            String registryUrl,
            IngestBenchmark.Settings settings,
            Path directory,
            String javaOptions)
            throws Exception {
        if (!Files.isExecutable(floe)) {
            throw new IllegalStateException("Cannot find the distribution at " + floe + ": build it with -am");
        }
        Files.createDirectories(directory);
        CatalogConfig catalog = new CatalogConfig(
                "bench",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
        Path config = directory.resolve("floe.yaml");
        int httpPort = freePort();
        Files.writeString(config, config(bootstrap, registryUrl, catalog, directory, settings, httpPort));
        List<String> command = new ArrayList<>(List.of(floe.toString(), "run", "--config", config.toString()));
        if (settings.untilEnd()) {
            command.add("--until-end");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("floe.log").toFile());
        if (javaOptions != null) {
            builder.environment().put("FLOE_JAVA_OPTS", javaOptions);
        }
        long started = System.nanoTime();
        Process process = builder.start();
        Catalog probe = catalog.load();
        try (ProcessMonitor monitor =
                ProcessMonitor.attach(process.pid(), URI.create("http://127.0.0.1:" + httpPort + "/metrics"))) {
            long deadline = started + TimeUnit.MINUTES.toNanos(30);
            long committed = 0;
            // a bounded run (--until-end, and always the window workload, whose table holds windows,
            // not orders) is done when the process has committed its final checkpoint and exited
            while (settings.untilEnd() ? process.isAlive() : committed < settings.records) {
                if (!process.isAlive() && !settings.untilEnd()) {
                    throw new IllegalStateException(
                            "Floe exited with " + process.exitValue() + "; see " + directory.resolve("floe.log"));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every record was committed within 30 minutes");
                }
                committed = committedRows(probe);
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
            long elapsed = System.nanoTime() - started;
            if (settings.untilEnd() && process.exitValue() != 0) {
                throw new IllegalStateException("Floe ended its bounded run with " + process.exitValue() + "; see "
                        + directory.resolve("floe.log"));
            }
            // an exited process is measured by the monitor's last samples
            boolean exited = !process.isAlive();
            long cpu = exited ? monitor.lastSampledCpuNanos() : monitor.cpuNanos();
            Map<String, Long> byThread = exited ? Map.of() : monitor.cpuByThreadGroup();
            List<ProcessMonitor.Sample> samples = monitor.samples();
            writeTimeline(samples, directory.resolve("timeline.csv"));
            long peakRss = exited ? monitor.sampledPeakRssBytes() : monitor.peakRssBytes();
            long peakHeap = monitor.peakHeapBytes();
            List<Snapshot> snapshots = snapshots(probe);
            CheckpointSize checkpoint =
                    CheckpointSize.largest(directory.resolve("checkpoints").resolve(PIPELINE));
            System.out.printf(
                    "  largest checkpoint kept: %s, %,d bytes in %,d files (%,d bytes kept in all)%n",
                    checkpoint.name(), checkpoint.bytes(), checkpoint.files(), checkpoint.keptBytes());
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            return new Measured(
                    floe.toString(),
                    Duration.ofNanos(elapsed),
                    Duration.ofNanos(cpu),
                    peakHeap,
                    peakRss,
                    snapshots,
                    samples,
                    byThread,
                    commitLatencies(directory.resolve("floe.log")),
                    directory);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            ((Closeable) probe).close();
        }
    }

    /**
     * Milliseconds from each checkpoint's barrier to its commit in the table, for checkpoints that
     * committed rows, read from Floe's log: the time to store the checkpoint plus the time to commit.
     */
    private static List<Long> commitLatencies(Path log) throws IOException {
        Map<Long, Long> stored = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher storedLine = STORED.matcher(line);
            if (storedLine.find()) {
                stored.put(Long.parseLong(storedLine.group(1)), Long.parseLong(storedLine.group(2)));
                continue;
            }
            Matcher committedLine = COMMITTED.matcher(line);
            if (committedLine.find()) {
                Long storing = stored.get(Long.parseLong(committedLine.group(1)));
                if (storing != null) {
                    latencies.add(storing + Long.parseLong(committedLine.group(2)));
                }
            }
        }
        return latencies;
    }

    /** The samples as CSV, for a look at the run's throughput over time. */
    private static void writeTimeline(List<ProcessMonitor.Sample> samples, Path csv) throws IOException {
        StringBuilder timeline = new StringBuilder("millis,recordsRead,cpuMillis\n");
        for (ProcessMonitor.Sample sample : samples) {
            timeline.append(sample.nanos() / 1_000_000)
                    .append(',')
                    .append(sample.consumed())
                    .append(',')
                    .append(sample.cpuNanos() / 1_000_000)
                    .append('\n');
        }
        Files.writeString(csv, timeline);
    }

    /** A port nothing listens on now, for the run's metrics endpoint. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
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
            String bootstrap,
            String registryUrl,
            CatalogConfig catalog,
            Path directory,
            IngestBenchmark.Settings settings,
            int httpPort) {
        return """
                http:
                  host: 127.0.0.1
                  port: %d
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
                        httpPort,
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
                        settings.workload.equals("window") ? WINDOW_MAPPING : settings.sinkOptions());
    }
}
