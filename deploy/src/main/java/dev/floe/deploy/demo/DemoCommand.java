package dev.floe.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.deploy.trino.TrinoDistribution;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.DurationConverter;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.HttpConfig;
import dev.floe.engine.http.FloeHttpServer;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.iceberg.CatalogConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code floe demo}: the whole product on embedded defaults. Starts a Kafka broker (KRaft), Floe's
 * schema registry, an orders generator and Floe itself running {@code demo/floe.yaml} into a local
 * warehouse through an Iceberg JDBC catalog on SQLite; waits until every produced record is
 * committed or dead-lettered; shows the table; then keeps ingesting until Ctrl-C, or exits with a
 * JSON summary with {@code --exit}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs Floe end to end on embedded defaults: a Kafka broker, Floe's schema registry, an",
            "orders generator, and Floe ingesting into an Iceberg table in a local warehouse."
        })
public final class DemoCommand implements Callable<Integer> {
    private static final String TOPIC = "orders";
    private static final String TABLE = "demo.orders";
    private static final String DEAD_LETTER_TOPIC = "orders.dead-letters";
    /** The bundled config's second pipeline: the same orders in event-time windows. */
    private static final String WINDOW_TABLE = "demo.country_revenue_10s";

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    @Option(
            names = "--records",
            defaultValue = "1000000",
            paramLabel = "N",
            description = "Orders to produce (default: ${DEFAULT-VALUE})")
    long records;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            paramLabel = "N",
            description = "Partitions of the orders topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(
            names = "--malformed",
            defaultValue = "0.001",
            paramLabel = "FRACTION",
            description = "The share of deliberately malformed records (default: ${DEFAULT-VALUE})")
    double malformed;

    @Option(
            names = "--dir",
            defaultValue = ".floe/demo",
            paramLabel = "DIR",
            description = "Where the broker, catalog, warehouse and checkpoints live; emptied at start (default:"
                    + " ${DEFAULT-VALUE})")
    Path directory;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A config to run instead of the bundled demo/floe.yaml (same ${...} variables)")
    Path config;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "The port of Floe's HTTP API, metrics and dashboard; 0 picks a free one; -1 serves none"
                    + " (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--exit", description = "Exit after everything produced is ingested, with a JSON summary")
    boolean exit;

    @Option(
            names = "--trino",
            description = {
                "Start Trino on the demo's table once everything produced is ingested, and print a few queries"
                        + " (needs Java 24 or newer: TRINO_JAVA_HOME or an installed JDK)"
            })
    boolean trino;

    @Option(
            names = "--trino-archive",
            paramLabel = "FILE",
            description = "Trino's server tarball, unpacked once into ~/.cache/floe (default: Maven's local"
                    + " repository, where ./floe demo --trino fetches it)")
    Path trinoArchive;

    @Option(
            names = "--timeout",
            defaultValue = "15m",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "The longest wait for every record to be committed or dead-lettered (default: ${DEFAULT-VALUE})")
    Duration timeout;

    /** Counted down when the demo closed everything it started, so a Ctrl-C waits for it. */
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long started = System.nanoTime();
        try (DemoEnvironment environment = DemoEnvironment.start(directory.toAbsolutePath())) {
            out.println("Floe demo");
            out.println("  Kafka bootstrap servers  " + environment.bootstrapServers());
            out.println("  Schema registry          " + environment.registryUrl());
            out.println("  Iceberg catalog          " + environment.catalogUri() + " (JDBC catalog 'demo')");
            out.println("  Warehouse                " + environment.warehouse());
            out.println("  Checkpoints              " + environment.checkpoints());
            out.println();

            FloeConfig floeConfig;
            try {
                floeConfig = loadConfig(environment.variables());
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return FloeCli.EXIT_USAGE;
            }
            OrdersGeneratorSettings settings = OrdersGeneratorSettings.of(
                            environment.bootstrapServers(), environment.registryUrl(), TOPIC)
                    .withPartitions(partitions)
                    .withMalformedFraction(malformed);
            try (OrdersGenerator generator = OrdersGenerator.start(settings);
                    FloeRuntime runtime = FloeRuntime.start(floeConfig, Clock.systemUTC());
                    FloeHttpServer http = httpPort < 0
                            ? null
                            : FloeHttpServer.start(runtime, HttpConfig.open(httpPort), Clock.systemUTC());
                    DemoProgress progress = new DemoProgress(
                            new CatalogConfig(
                                    "demo", "jdbc", environment.catalogUri(), environment.warehouse(), Map.of()),
                            TABLE,
                            environment.bootstrapServers(),
                            DEAD_LETTER_TOPIC)) {
                if (http != null) {
                    out.println("  Dashboard                " + http.url() + "/dashboard/");
                    out.println("  Metrics                  " + http.url() + "/metrics");
                }
                out.printf(
                        "Producing %,d orders to topic '%s' (%d partitions, %.2f%% malformed) ...%n",
                        records, TOPIC, partitions, malformed * 100);
                CompletableFuture<GeneratorReport> production =
                        CompletableFuture.supplyAsync(() -> generator.produce(records));
                boolean complete = awaitIngestion(out, runtime, progress, production);
                GeneratorReport report = production.getNow(null);
                long committed = progress.committedRows();
                long deadLettered = progress.deadLettered();
                Map<String, Long> tables = new LinkedHashMap<>();
                tables.put(TABLE, committed);
                if (config == null) {
                    tables.put(WINDOW_TABLE, progress.committedRows(TableIdentifier.parse(WINDOW_TABLE)));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                printTable(out, progress, tables, deadLettered, report);
                Optional<DemoTrino> trinoServer = trino && complete ? startTrino(out, environment) : Optional.empty();
                try {
                    if (trinoServer.isPresent()) {
                        // a config of the user's own need not have the window table
                        trinoServer.get().printQueries(out, config == null);
                    }
                    if (exit) {
                        runtime.stop(Duration.ofSeconds(60));
                        out.println(summary(
                                report == null ? 0 : report.produced(), committed, deadLettered, tables, seconds));
                        return complete && report != null && report.produced() == committed + deadLettered
                                ? 0
                                : FloeCli.EXIT_FAILURE;
                    }
                    out.println();
                    out.println("Floe keeps ingesting what is produced to '" + TOPIC + "' (Confluent Avro, schema"
                            + " subject '" + TOPIC + "-value')"
                            + trinoServer
                                    .map(server -> "; query it in Trino at " + server.jdbcUrl())
                                    .orElse("")
                            + ". Press Ctrl-C to stop.");
                    // Ctrl-C: stop with a final checkpoint, then let this thread close everything in order
                    Runtime.getRuntime()
                            .addShutdownHook(new Thread(
                                    () -> {
                                        runtime.stop(Duration.ofSeconds(30));
                                        awaitQuietly(closed);
                                    },
                                    "floe-demo-stop"));
                    runtime.terminated().join();
                    return 0;
                } finally {
                    trinoServer.ifPresent(DemoTrino::close);
                }
            }
        } finally {
            closed.countDown();
        }
    }

    private Optional<DemoTrino> startTrino(PrintStream out, DemoEnvironment environment) {
        out.println();
        Path archive = trinoArchive != null
                ? trinoArchive
                : TrinoDistribution.archiveInLocalRepository(Path.of(System.getProperty("user.home")));
        return DemoTrino.start(out, environment, archive);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private FloeConfig loadConfig(Map<String, String> variables) throws IOException {
        ConfigLoader loader = new ConfigLoader(
                Sinks.installed(),
                name -> variables.containsKey(name) ? variables.get(name) : System.getenv(name),
                Runtime.getRuntime().availableProcessors());
        if (config != null) {
            return loader.load(config);
        }
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/floe.yaml")) {
            if (in == null) {
                throw new IOException("the bundled demo/floe.yaml is missing from the class path");
            }
            return loader.parse("demo/floe.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Prints progress until every produced record is committed or dead-lettered; false on timeout. */
    private boolean awaitIngestion(
            PrintStream out, FloeRuntime runtime, DemoProgress progress, CompletableFuture<GeneratorReport> production)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrinted = 0;
        while (System.nanoTime() < deadline) {
            if (runtime.pipelines().stream().anyMatch(pipeline -> pipeline.state() == Pipeline.State.FAILED)) {
                out.println("A pipeline failed; see the log above.");
                return false;
            }
            long committed = progress.committedRows();
            long deadLettered = progress.deadLettered();
            GeneratorReport report = production.getNow(null);
            if (production.isCompletedExceptionally()) {
                out.println("The generator failed: "
                        + production.handle((r, e) -> e).join());
                return false;
            }
            if (report != null && committed + deadLettered >= report.produced()) {
                return true;
            }
            if (System.nanoTime() - lastPrinted > PROGRESS_EVERY.toNanos()) {
                lastPrinted = System.nanoTime();
                out.printf(
                        "  committed %,d rows, dead-lettered %,d records%s%n",
                        committed,
                        deadLettered,
                        report == null ? " (still producing)" : " of " + String.format("%,d", report.produced()));
            }
            // deadLettered() waits on the consumer's poll, which paces this loop
        }
        out.println("Timed out after " + timeout + " waiting for ingestion to catch up.");
        return false;
    }

    private static void printTable(
            PrintStream out, DemoProgress progress, Map<String, Long> tables, long deadLettered, GeneratorReport report)
            throws IOException {
        out.println();
        if (report != null) {
            out.printf(
                    "Produced %,d records (%,d valid; malformed: %,d wrong magic byte, %,d unknown schema id,"
                            + " %,d corrupt Avro)%n",
                    report.produced(),
                    report.valid(),
                    report.wrongMagicByte(),
                    report.unknownSchemaId(),
                    report.corruptAvro());
        }
        tables.forEach((table, rows) -> out.printf("Table %s: %,d rows%n", table, rows));
        out.printf("Dead-letter topic %s: %,d records%n", DEAD_LETTER_TOPIC, deadLettered);
        out.println("Sample rows:");
        for (String row : progress.sampleRows(3)) {
            out.println("  " + row);
        }
        out.println("Snapshots (one per completed checkpoint with data):");
        for (Map<String, String> summary : progress.snapshotSummaries()) {
            out.printf(
                    "  checkpoint %s: +%s rows, offsets %s%n",
                    summary.get("floe.checkpoint-id"), summary.get("added-records"), summary.get("floe.offsets"));
        }
    }

    private static String summary(
            long produced, long committed, long deadLettered, Map<String, Long> tables, double seconds) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = json.createObjectNode();
        node.put("produced", produced);
        node.put("committed", committed);
        node.put("dead_lettered", deadLettered);
        ObjectNode rows = node.putObject("tables");
        tables.forEach(rows::put);
        node.put("seconds", Math.round(seconds * 10) / 10.0);
        return node.toString();
    }
}
