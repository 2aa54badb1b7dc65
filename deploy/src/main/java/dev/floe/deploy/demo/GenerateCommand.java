package dev.floe.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.cli.DurationConverter;
import dev.floe.engine.cli.FloeCli;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code floe generate}: the demo's orders stream, produced to any Kafka cluster and schema registry
 * — what the docker-compose demo and Kubernetes load tests feed Floe with. Produces a fixed count, or
 * until stopped; at a fixed rate, or as fast as the broker acknowledges.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Produces a realistic orders stream (Confluent Avro, the demo's schema) to a Kafka topic,",
            "registering the schema with a Confluent-API schema registry."
        })
public final class GenerateCommand implements Callable<Integer> {
    /** A rate is kept by producing one batch per tick. */
    static final Duration TICK = Duration.ofMillis(100);

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT[,...]",
            description = "The Kafka cluster")
    String bootstrapServers;

    @Option(
            names = "--registry-url",
            required = true,
            paramLabel = "URL",
            description = "The Confluent-API schema registry; the schema is registered as <topic>-value")
    String registryUrl;

    @Option(
            names = "--topic",
            defaultValue = "orders",
            paramLabel = "NAME",
            description = "The topic; created when missing (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            paramLabel = "N",
            description = "Partitions of a topic this command creates (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(
            names = "--records",
            defaultValue = "0",
            paramLabel = "N",
            description = "Orders to produce; 0 produces until stopped (default: ${DEFAULT-VALUE})")
    long records;

    @Option(
            names = "--rate",
            defaultValue = "0",
            paramLabel = "PER_SECOND",
            description =
                    "Orders per second; 0 produces as fast as the broker acknowledges (default: ${DEFAULT-VALUE})")
    long rate;

    @Option(
            names = "--malformed",
            defaultValue = "0.001",
            paramLabel = "FRACTION",
            description = "The share of deliberately malformed records (default: ${DEFAULT-VALUE})")
    double malformed;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "N",
            description = "Decides every record: the same seed gives the same stream (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--first-order-id",
            defaultValue = "1",
            paramLabel = "N",
            description = "The id of the first order; ids increase by one (default: ${DEFAULT-VALUE})")
    long firstOrderId;

    @Option(
            names = "--compression",
            defaultValue = "none",
            paramLabel = "CODEC",
            description = "The producer's compression: none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE})")
    String compression;

    @Option(
            names = "--progress-every",
            defaultValue = "10s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How often progress is printed (default: ${DEFAULT-VALUE})")
    Duration progressEvery;

    @Option(names = "--json", description = "Print the final summary as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() {
        if (records < 0 || rate < 0 || partitions < 1 || !(malformed >= 0 && malformed <= 1)) {
            spec.commandLine()
                    .getErr()
                    .println("generate: --records and --rate must be 0 or more, --partitions at least 1,"
                            + " --malformed within [0, 1]");
            return FloeCli.EXIT_USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        OrdersGeneratorSettings settings = new OrdersGeneratorSettings(
                bootstrapServers,
                registryUrl,
                topic,
                partitions,
                malformed,
                seed,
                firstOrderId,
                OrdersGeneratorSettings.DEFAULT_START_TIME,
                compression);
        Thread hook = new Thread(
                () -> {
                    stopping.set(true);
                    awaitQuietly(finished);
                },
                "floe-generate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Totals totals = new Totals();
        try (OrdersGenerator generator = OrdersGenerator.start(settings)) {
            if (!json) {
                out.printf(
                        "Producing %s orders to '%s' at %s (schema id %d) ...%n",
                        records == 0 ? "an unbounded stream of" : String.format("%,d", records),
                        topic,
                        rate == 0 ? "full speed" : String.format("%,d records/s", rate),
                        generator.schemaId());
            }
            produce(generator, totals, out);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("generate: " + e.getMessage());
            return FloeCli.EXIT_FAILURE;
        } finally {
            finished.countDown();
            removeQuietly(hook);
        }
        out.println(json ? totals.json() : totals.line());
        out.flush();
        return 0;
    }

    private void produce(OrdersGenerator generator, Totals totals, PrintWriter out) {
        long started = System.nanoTime();
        long lastPrinted = started;
        // without a rate, batches only bound how late a stop is noticed and how often progress prints
        long batch = rate == 0 ? 10_000 : Math.max(1, rate * TICK.toMillis() / 1000);
        while (!stopping.get() && (records == 0 || totals.produced < records)) {
            long next = records == 0 ? batch : Math.min(batch, records - totals.produced);
            totals.add(generator.produce(next));
            if (rate > 0) {
                // the schedule, not the last batch, decides the wait: a slow batch is caught up on
                long due = started + (long) (totals.produced * 1e9 / rate);
                sleepUntil(due);
            }
            long now = System.nanoTime();
            if (!json && now - lastPrinted >= progressEvery.toNanos()) {
                lastPrinted = now;
                out.println("  " + totals.line());
                out.flush();
            }
        }
        totals.seconds = (System.nanoTime() - started) / 1e9;
    }

    private void sleepUntil(long nanoTime) {
        long wait;
        while (!stopping.get() && (wait = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, TICK.toNanos()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.set(true);
            }
        }
    }

    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and waits for this thread
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What every batch so far sent, acknowledged by the broker. */
    private static final class Totals {
        long produced;
        long valid;
        long malformed;
        long payloadBytes;
        double seconds;

        void add(GeneratorReport report) {
            produced += report.produced();
            valid += report.valid();
            malformed += report.malformed();
            payloadBytes += report.payloadBytes();
        }

        String line() {
            return String.format(
                    "produced %,d records (%,d valid, %,d malformed), %,d payload bytes",
                    produced, valid, malformed, payloadBytes);
        }

        String json() {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("produced", produced);
            node.put("valid", valid);
            node.put("malformed", malformed);
            node.put("payload_bytes", payloadBytes);
            node.put("seconds", Math.round(seconds * 10) / 10.0);
            return node.toString();
        }
    }
}
