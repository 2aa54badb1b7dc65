package dev.floe.it.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrderSchema;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.iceberg.write.ParquetDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.iceberg.TableProperties;

/**
 * Floe's append benchmark: pre-produces N orders (Confluent Avro, 4 partitions by default), measures
 * the physical bound on that data (a raw consumer reading the topic as bytes; the engine's Avro
 * decode and Parquet encode of the same records on one thread, in memory), then runs one or more
 * Floe distributions ({@code bin/floe run}, each its own process, into a fresh table every time)
 * until every record is committed, interleaving the distributions run after run so that they see
 * the same machine load. Prints medians and Floe's figures as fractions of the bound; writes
 * everything as JSON into the run's folder. Never run by the tests:
 *
 * <pre>
 * ./mvnw -pl it -am -Pbench verify -Dbench.args="--records 5000000 --parallelism 2 --runs 3"
 * </pre>
 *
 * <p>{@code --floe a,b} compares distributions (default: the one this build made);
 * {@code --profiler /path/libasyncProfiler.so} records the CPU samples of every run with
 * async-profiler ({@code profile.jfr} in the run's folder; async-profiler's {@code jfrconv} turns
 * them into a flame graph, of the steady state with {@code --from}/{@code --to}).
 */
public final class IngestBenchmark {
    /**
     * The Parquet settings of Floe's writers for a table it creates, for the encode bound: the codec
     * Iceberg persists in new tables (zstd since Iceberg 1.4), and Floe's own defaults.
     */
    private static final Map<String, String> NEW_TABLE_PROPERTIES = writerProperties();

    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Path directory = Files.createDirectories(Path.of("target", "bench-results"))
                .resolve(Instant.now().toString().replace(':', '-'))
                .toAbsolutePath();
        Files.createDirectories(directory);
        System.out.printf(
                "Benchmark in %s: %,d records, %d partitions, parallelism %d, checkpoint %s, %d run(s) of %s%n",
                directory,
                settings.records,
                settings.partitions,
                settings.parallelism,
                settings.interval,
                settings.runs,
                settings.distributions);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("when", Instant.now().toString());
        json.put("records", settings.records);
        json.put("partitions", settings.partitions);
        json.put("parallelism", settings.parallelism);
        json.put("checkpointInterval", settings.interval);
        json.put("workload", settings.workload);
        json.put("partitionBy", settings.partitionBy);
        if (settings.workload.equals("upsert")) {
            json.put("upsertKey", settings.upsertKey);
        }
        json.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        json.put("loadAverageAtStart", loadAverage());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(directory.resolve("kafka"));
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers())) {
            GeneratorReport produced;
            try (OrdersGenerator generator = OrdersGenerator.start(
                    OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), "orders")
                            .withPartitions(settings.partitions)
                            .withMalformedFraction(0))) {
                produced = generator.produce(settings.records);
            }
            double bytesPerRecord = (double) produced.payloadBytes() / produced.produced();
            System.out.printf(
                    "Pre-produced %,d records (%,.1f MB of Avro payload, %.1f bytes a record) in %.1f s%n",
                    produced.produced(),
                    produced.payloadBytes() / 1e6,
                    bytesPerRecord,
                    produced.elapsed().toMillis() / 1e3);
            json.put("payloadBytes", produced.payloadBytes());

            PhysicalBound.Values values = new PhysicalBound.Values();
            PhysicalBound.Pass raw = PhysicalBound.consume(broker.bootstrapServers(), "orders", values);
            PhysicalBound.Pass encode =
                    PhysicalBound.decodeAndEncode(registry.url(), OrderSchema.avro(), values, NEW_TABLE_PROPERTIES);
            values = null;
            print("Bound: raw consumer, bytes only, one thread", raw);
            print("Bound: decode + Parquet encode in memory, one thread", encode);
            put(json.putObject("rawConsumer"), raw);
            put(json.putObject("decodeAndEncode"), encode);

            List<RunFigures> figures = new ArrayList<>();
            ArrayNode runs = json.putArray("runs");
            for (int run = 0; run < settings.runs; run++) {
                for (int d = 0; d < settings.distributions.size(); d++) {
                    Path floe = settings.distributions.get(d);
                    Path runDirectory = directory.resolve("run-" + run + "-" + d);
                    System.out.printf("Run %d of %s (load average %s)%n", run + 1, floe, loadAverage());
                    FloeRun.Measured measured = FloeRun.run(
                            floe,
                            broker.bootstrapServers(),
                            registry.url(),
                            settings,
                            runDirectory,
                            settings.javaOptions(runDirectory));
                    RunFigures result = RunFigures.of(measured, produced.produced());
                    result.print(bytesPerRecord);
                    figures.add(result);
                    ObjectNode node = runs.addObject();
                    node.put("run", run);
                    node.put("loadAverageAfter", loadAverage());
                    result.write(node);
                }
            }
            ArrayNode medians = json.putArray("medians");
            for (Path floe : settings.distributions) {
                List<RunFigures> mine = figures.stream()
                        .filter(f -> f.distribution().equals(floe.toString()))
                        .toList();
                ObjectNode node = medians.addObject();
                summarize(floe, mine, raw, encode, settings, bytesPerRecord, node);
            }
            json.put("loadAverageAtEnd", loadAverage());
            Path result = directory.resolve("result.json");
            Files.writeString(
                    result, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
            System.out.println("Result: " + result);
        }
    }

    private static void summarize(
            Path floe,
            List<RunFigures> runs,
            PhysicalBound.Pass raw,
            PhysicalBound.Pass encode,
            Settings settings,
            double bytesPerRecord,
            ObjectNode node) {
        double steady = median(runs, RunFigures::steadyRecordsPerSecond);
        double ingest = median(runs, RunFigures::ingestRecordsPerSecond);
        double overall = median(runs, RunFigures::recordsPerSecond);
        double cpu = median(runs, RunFigures::cpuSecondsPerMillion);
        double steadyCpu = median(runs, RunFigures::steadyCpuSecondsPerMillion);
        // the bound for P subtasks: P threads, but no more than the machine's cores
        int lanes = Math.min(settings.parallelism, Runtime.getRuntime().availableProcessors());
        double encodeBound = encode.recordsPerSecond() * lanes;
        System.out.printf(
                "Median of %d run(s) of %s:%n  %,.0f records/s overall (%.1f MB/s), %,.0f while ingesting,"
                        + " %,.0f in steady state (%.1f MB/s)%n  %.2f CPU-s per million overall, %.2f in steady state;"
                        + " peak RSS %,d MB; commit latency p50 %.0f ms, p99 %.0f ms%n"
                        + "  steady state = %.0f %% of the raw consumer (one thread), %.0f %% of decode + encode on %d"
                        + " thread(s); steady CPU per record = %.1f x the decode + encode bound's%n",
                runs.size(),
                floe,
                overall,
                overall * bytesPerRecord / 1e6,
                ingest,
                steady,
                steady * bytesPerRecord / 1e6,
                cpu,
                steadyCpu,
                (long) median(runs, r -> r.peakRssBytes()) >> 20,
                median(runs, RunFigures::commitLatencyP50Millis),
                median(runs, RunFigures::commitLatencyP99Millis),
                100 * steady / raw.recordsPerSecond(),
                100 * steady / encodeBound,
                lanes,
                steadyCpu / encode.cpuSecondsPerMillion());
        node.put("distribution", floe.toString());
        node.put("runs", runs.size());
        node.put("recordsPerSecond", overall);
        node.put("megabytesPerSecond", overall * bytesPerRecord / 1e6);
        node.put("ingestRecordsPerSecond", ingest);
        node.put("steadyRecordsPerSecond", steady);
        node.put("steadyMegabytesPerSecond", steady * bytesPerRecord / 1e6);
        node.put("cpuSecondsPerMillion", cpu);
        node.put("steadyCpuSecondsPerMillion", steadyCpu);
        node.put("peakRssBytes", median(runs, r -> r.peakRssBytes()));
        node.put("peakHeapBytes", median(runs, r -> r.peakHeapBytes()));
        node.put("commitLatencyP50Millis", median(runs, RunFigures::commitLatencyP50Millis));
        node.put("commitLatencyP99Millis", median(runs, RunFigures::commitLatencyP99Millis));
        node.put("files", median(runs, r -> r.files()));
        node.put("fileBytes", median(runs, r -> r.fileBytes()));
        node.put("filesPerCommit", median(runs, RunFigures::filesPerCommit));
        node.put("bytesPerFile", median(runs, RunFigures::bytesPerFile));
        // load-independent: how the table's layout comes out of the workload and its partition spec
        System.out.printf(
                "  %.1f files a commit, %,.0f bytes a file (data and delete files)%n",
                median(runs, RunFigures::filesPerCommit), median(runs, RunFigures::bytesPerFile));
        node.put("steadyFractionOfRawConsumer", steady / raw.recordsPerSecond());
        node.put("steadyFractionOfDecodeEncodeBound", steady / encodeBound);
        node.put("steadyCpuOverDecodeEncodeCpu", steadyCpu / encode.cpuSecondsPerMillion());
    }

    private static double median(List<RunFigures> runs, ToDoubleFunction<RunFigures> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1
                ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static void print(String what, PhysicalBound.Pass pass) {
        System.out.printf(
                "%s: %,d records in %.2f s, %,.0f records/s, %.1f MB/s, %.2f CPU-s per million%s%n",
                what,
                pass.records(),
                pass.elapsed().toNanos() / 1e9,
                pass.recordsPerSecond(),
                pass.megabytesPerSecond(),
                pass.cpuSecondsPerMillion(),
                pass.files() == 0
                        ? ""
                        : String.format(
                                "; %d files, %.1f MB (%.2f bytes a record)",
                                pass.files(), pass.fileBytes() / 1e6, (double) pass.fileBytes() / pass.records()));
    }

    private static void put(ObjectNode node, PhysicalBound.Pass pass) {
        node.put("records", pass.records());
        node.put("bytes", pass.bytes());
        node.put("seconds", pass.elapsed().toNanos() / 1e9);
        node.put("recordsPerSecond", pass.recordsPerSecond());
        node.put("megabytesPerSecond", pass.megabytesPerSecond());
        node.put("cpuSecondsPerMillion", pass.cpuSecondsPerMillion());
        node.put("files", pass.files());
        node.put("fileBytes", pass.fileBytes());
    }

    private static Map<String, String> writerProperties() {
        Map<String, String> table =
                Map.of(TableProperties.PARQUET_COMPRESSION, TableProperties.PARQUET_COMPRESSION_DEFAULT_SINCE_1_4_0);
        Map<String, String> properties = new java.util.HashMap<>(table);
        properties.putAll(ParquetDefaults.forTable(table));
        return Map.copyOf(properties);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** The benchmark's options. */
    static final class Settings {
        long records = 5_000_000;
        int partitions = 4;
        int parallelism = 2;
        int runs = 1;
        String interval = "10s";
        /**
         * append: the orders as they are; window: a 1-minute tumbling window per customer; upsert: an
         * upsert table keyed by {@link #upsertKey}.
         */
        String workload = "append";
        /** The table's partition spec, as the sink's partitionBy list (none: unpartitioned). */
        String partitionBy;
        /**
         * The upsert workload's identifier fields: columns of the orders that are required and keep a
         * key's records in one Kafka partition (the topic is keyed by customer_id), so customer_id
         * and another column; customer_id,country gives about 130,000 keys over a million orders.
         */
        String upsertKey = "customer_id,country";

        boolean untilEnd;

        /** Whether the run reads to the end of the topic and is timed to the process's exit. */
        boolean untilEnd() {
            return untilEnd || !workload.equals("append");
        }

        /** The sink's lines beyond its table, at the sink's indentation. */
        String sinkOptions() {
            StringBuilder yaml = new StringBuilder();
            if (partitionBy != null) {
                yaml.append("      partitionBy: ['")
                        .append(String.join("', '", partitionBy.split(";")))
                        .append("']\n");
            }
            if (workload.equals("upsert")) {
                yaml.append("      mode: upsert\n      identifierFields: [")
                        .append(upsertKey)
                        .append("]\n");
            }
            return yaml.toString();
        }

        String javaOptions = "-Xms256m -Xmx2g -XX:+UseG1GC";
        String profiler;
        List<Path> distributions = List.of(Path.of("..", "deploy", "target", "floe", "bin", "floe")
                .toAbsolutePath()
                .normalize());

        /** The JVM options of a run: the configured ones, plus the profiler's agent when asked. */
        String javaOptions(Path runDirectory) {
            if (profiler == null) {
                return javaOptions;
            }
            // JFR output keeps the samples' times: jfrconv --from/--to cuts out the steady state
            return javaOptions + " -agentpath:" + profiler + "=start,event=itimer,interval=5ms,jfr,file="
                    + runDirectory.resolve("profile.jfr");
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
                    case "--runs":
                        settings.runs = Integer.parseInt(value);
                        break;
                    case "--checkpoint-interval":
                        settings.interval = value;
                        break;
                    case "--java-options":
                        settings.javaOptions = value;
                        break;
                    case "--workload":
                        if (!List.of("append", "window", "upsert").contains(value)) {
                            throw new IllegalArgumentException("--workload is append, window or upsert, not " + value);
                        }
                        settings.workload = value;
                        break;
                    case "--partition-by":
                        settings.partitionBy = value;
                        break;
                    case "--upsert-key":
                        settings.upsertKey = value;
                        break;
                    case "--until-end":
                        settings.untilEnd = true;
                        // a flag: no value to skip
                        i--;
                        break;
                    case "--profiler":
                        settings.profiler = Path.of(value).toAbsolutePath().toString();
                        break;
                    case "--floe":
                        settings.distributions = Arrays.stream(value.split(","))
                                .map(path -> Path.of(path).toAbsolutePath().normalize())
                                .toList();
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + args[i] + "; options: --records N"
                                + " --partitions N --parallelism N --runs N --checkpoint-interval 10s"
                                + " --java-options '...' --profiler /path/libasyncProfiler.so --floe bin/floe[,bin/floe]"
                                + " --workload append|window|upsert --partition-by 'hour(event_time);...'"
                                + " --upsert-key customer_id,country --until-end");
                }
            }
            return settings;
        }
    }
}
