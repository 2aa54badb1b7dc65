package dev.floe.it.exactlyonce;

import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.iceberg.CatalogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Orders produced in chunks every 250 ms on a thread of its own until a total is reached, so that
 * records keep arriving while a test kills and restarts Floe processes. A part of the total can be
 * held back and released when a step of the test needs new records whatever the machine's speed.
 */
final class PacedOrders implements AutoCloseable {
    private static final long PERIOD_MILLIS = 250;

    private final OrdersGenerator generator;
    private final ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong produced = new AtomicLong();
    private final long total;
    private final long reserve;

    private PacedOrders(OrdersGenerator generator, long total, long reserve, int chunk) {
        this.generator = generator;
        this.total = total;
        this.reserve = reserve;
        producer.scheduleWithFixedDelay(
                () -> {
                    long paced = total - reserve - produced.get();
                    if (paced > 0) {
                        produced.addAndGet(
                                generator.produce(Math.min(chunk, paced)).produced());
                    }
                },
                0,
                PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Starts producing {@code chunk} orders every 250 ms, {@code total} in all. */
    static PacedOrders start(OrdersGeneratorSettings settings, long total, int chunk) {
        return start(settings, total, 0, chunk);
    }

    /** Like {@link #start(OrdersGeneratorSettings, long, int)}, holding back the last {@code reserve}. */
    static PacedOrders start(OrdersGeneratorSettings settings, long total, long reserve, int chunk) {
        return new PacedOrders(OrdersGenerator.start(settings), total, reserve, chunk);
    }

    /** Produces the held-back orders now, after the paced ones that are still due. */
    void release() throws ExecutionException, InterruptedException {
        if (reserve == 0) {
            throw new IllegalStateException("No orders were held back to release");
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> produced.get() >= total - reserve);
        // on the producing thread: the generator is not shared between threads
        producer.submit(() -> produced.addAndGet(generator.produce(reserve).produced()))
                .get();
    }

    /** Whether every order was produced. */
    boolean done() {
        return produced.get() >= total;
    }

    @Override
    public void close() throws InterruptedException {
        producer.shutdownNow();
        producer.awaitTermination(30, TimeUnit.SECONDS);
        generator.close();
    }

    /** A JDBC catalog on SQLite in {@code directory}, with its warehouse beside it. */
    static CatalogConfig sqliteCatalog(Path directory) {
        return new CatalogConfig(
                "it",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
    }
}
