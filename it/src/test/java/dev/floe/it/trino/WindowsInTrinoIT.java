package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.it.exactlyonce.FloeProcess;
import dev.floe.it.exactlyonce.HaltingListener;
import dev.floe.it.exactlyonce.SourceTruth;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.mapping.HandMadeOrders;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-time windows end to end: the demo's orders (out of order by up to 5 s) produced to Kafka,
 * landed raw in one table and aggregated per customer and minute in another, after a filter and a
 * computed column; Trino's {@code GROUP BY} over the raw table must equal the window table exactly,
 * for every window and key, also when the windowing process was killed in the middle of its input.
 * And lateness as a user sees it in Trino: a late record within the allowed lateness appends a new
 * version of its window's row, one beyond it goes to the dead-letter topic with the reason.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WindowsInTrinoIT {
    private static final Logger LOG = LoggerFactory.getLogger(WindowsInTrinoIT.class);
    /** The orders of the exactness test; {@code -Dfloe.it.windowOrders} runs it with others. */
    private static final long ORDERS = Long.getLong("floe.it.windowOrders", 1_000_000L);

    private static final String TOPIC = "orders-windows";
    private static final String RAW = "shop.orders_raw";
    private static final Instant START = OrdersGeneratorSettings.DEFAULT_START_TIME;

    /**
     * The windowed pipeline's mapping: orders outside the partner channel, each with its quantity as
     * a gift's, per customer and minute. Idle partitions never advance the watermark here: a partition
     * the consumer reads later than the others must not make their records late.
     */
    private static final String WINDOW_MAPPING = """
                eventTime:
                  field: event_time
                  maxOutOfOrderness: 5s
                  idleTimeout: 0s
                transforms:
                  - filter: "channel != 'partner'"
                  - set:
                      gift_quantity: "gift ? quantity : 0"
                window:
                  type: tumbling
                  size: 1m
                  keyBy: [customer_id]
                  aggregates:
                    - {name: orders, function: count}
                    - {name: units, function: sum, field: quantity}
                    - {name: gift_units, function: sum, field: gift_quantity}
                    - {name: revenue, function: sum, field: price}
                    - {name: cheapest, function: min, field: price}
                    - {name: dearest, function: max, field: price}
                    - {name: skus, function: count-distinct, field: sku}
            """;

    /** The same aggregation by Trino over the raw table, with the window table's columns. */
    private static final String GROUP_BY = """
            SELECT customer_id, date_trunc('minute', event_time) AS window_start,
                   date_trunc('minute', event_time) + INTERVAL '1' MINUTE AS window_end,
                   count(*) AS orders, sum(quantity) AS units, sum(IF(gift, quantity, 0)) AS gift_units,
                   sum(price) AS revenue, min(price) AS cheapest, max(price) AS dearest,
                   count(DISTINCT sku) AS skus
            FROM %s WHERE channel <> 'partner'
            GROUP BY 1, 2
            """;

    private static final String WINDOW_COLUMNS =
            "customer_id, window_start, window_end, orders, units, gift_units, revenue, cheapest, dearest, skus";

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;
    private Lakehouse lakehouse;
    private TrinoServer trino;

    WindowsInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    @BeforeAll
    void produceOrdersAndLandThemRaw() {
        trino = servers.trino();
        lakehouse = Lakehouse.jdbc("floe_windows", servers.postgres(), servers.s3Mock(), "s3://warehouse/windows");
        GeneratorReport report;
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                        .withPartitions(3)
                        .withMalformedFraction(0))) {
            report = generator.produce(ORDERS);
        }
        assertThat(report.valid()).isEqualTo(ORDERS);
        lakehouse.ingest(Lakehouse.parse(yaml("orders-raw", RAW, "")), RAW, ORDERS);
        lakehouse.registerIn(trino);
    }

    private String yaml(String pipeline, String table, String mapping) {
        return lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), pipeline, TOPIC, table, "") + mapping;
    }

    @Test
    void windowTableEqualsTrinosGroupByOverTheRawOrders() throws SQLException {
        String table = "shop.revenue_per_minute";
        try (FloeRuntime runtime = FloeRuntime.start(
                Lakehouse.parse(yaml("revenue-per-minute", table, WINDOW_MAPPING)),
                Clock.systemUTC(),
                RunMode.UNTIL_END)) {
            runtime.terminated()
                    .orTimeout(10, java.util.concurrent.TimeUnit.MINUTES)
                    .join();
            assertThat(runtime.pipelines())
                    .allSatisfy(pipeline -> assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED));
        }

        assertEqualsGroupBy(table);
    }

    @Test
    void windowTableIsExactAfterAKillInTheMiddleOfItsInput() throws SQLException {
        String table = "shop.revenue_per_minute_killed";
        Path directory = servers.newDirectory("windows-killed");
        Path config = directory.resolve("floe.yaml");
        try {
            Files.writeString(config, yaml("revenue-killed", table, WINDOW_MAPPING));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> untilEnd = List.of("run", "--config", config.toString(), "--until-end");
        // killed once its second checkpoint is stored, before that checkpoint reaches the table:
        // open windows in the state, a commit pending
        try (FloeProcess process = FloeProcess.start(
                "dev.floe.engine.cli.FloeCli",
                untilEnd,
                Map.of(HaltingListener.VARIABLE, CheckpointPhase.CHECKPOINT_STORED.name() + ":2"),
                "windows-killed-1")) {
            assertThat(process.awaitExit(Duration.ofMinutes(5)))
                    .as("halted; see " + process.log())
                    .isEqualTo(HaltingListener.HALTED);
        }
        long committed = new TableProbe(lakehouse.floe(), table).committedCheckpoint("revenue-killed");
        LOG.info("Killed after checkpoint 2 was stored; the table had checkpoint {}", committed);
        try (FloeProcess process =
                FloeProcess.start("dev.floe.engine.cli.FloeCli", untilEnd, Map.of(), "windows-killed-2")) {
            assertThat(process.awaitExit(Duration.ofMinutes(10)))
                    .as("a bounded run exits 0; see " + process.log())
                    .isZero();
        }

        assertEqualsGroupBy(table);
    }

    private void assertEqualsGroupBy(String table) throws SQLException {
        String raw = lakehouse.trinoCatalog() + "." + RAW;
        String windows = lakehouse.trinoCatalog() + "." + table;
        List<List<Object>> counts = Lakehouse.query(
                trino,
                "SELECT (SELECT count(*) FROM (" + GROUP_BY.formatted(raw) + ")), count(*), max(window_version),"
                        + " count(DISTINCT customer_id), sum(orders) FROM " + windows);
        LOG.info("Groups in Trino, window rows, highest version, customers, orders: {}", counts.get(0));
        List<List<Object>> missing = Lakehouse.query(
                trino,
                "SELECT * FROM (" + GROUP_BY.formatted(raw) + " EXCEPT SELECT " + WINDOW_COLUMNS + " FROM " + windows
                        + ") ORDER BY 2, 1 LIMIT 20");
        List<List<Object>> extra = Lakehouse.query(
                trino,
                "SELECT * FROM (SELECT " + WINDOW_COLUMNS + " FROM " + windows + " EXCEPT " + GROUP_BY.formatted(raw)
                        + ") ORDER BY 2, 1 LIMIT 20");

        assertThat(missing)
                .as("groups of Trino's GROUP BY the window table lacks")
                .isEmpty();
        assertThat(extra).as("window rows Trino's GROUP BY does not have").isEmpty();
        assertThat(counts.get(0).get(1))
                .as("one row per group")
                .isEqualTo(counts.get(0).get(0));
        assertThat(counts.get(0).get(2))
                .as("no record was late: one version each")
                .isEqualTo(1L);
        assertThat((Long) counts.get(0).get(4))
                .as("the filter kept most orders")
                .isGreaterThan(ORDERS / 2)
                .isLessThan(ORDERS);
    }

    @Test
    void lateRecordsUpdateTheirWindowWithinTheAllowedLatenessAndAreDeadLetteredBeyondIt() throws SQLException {
        String topic = "orders-late";
        String table = "shop.late_orders_per_minute";
        String deadLetters = "orders-late.dead-letters";
        HandMadeOrders orders;
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic)
                        .withPartitions(1))) {
            orders = new HandMadeOrders(broker.bootstrapServers(), topic, generator.schemaId());
        }
        String yaml = lakehouse
                        .floeYaml(broker.bootstrapServers(), registry.url(), "late-orders", topic, table, "")
                        .replace("parallelism: 2", "parallelism: 1")
                + """
                    deadLetter:
                      topic: %s
                    eventTime:
                      field: event_time
                      idleTimeout: 0s
                    window:
                      type: tumbling
                      size: 1m
                      keyBy: [customer_id]
                      allowedLateness: 1m
                      aggregates:
                        - {name: orders, function: count}
                        - {name: units, function: sum, field: quantity}
                """.formatted(deadLetters);
        TableProbe probe = new TableProbe(lakehouse.floe(), table);
        try (orders;
                FloeRuntime runtime = FloeRuntime.start(Lakehouse.parse(yaml), Clock.systemUTC())) {
            orders.send(1, "C1", 1, START.plusSeconds(10));
            orders.send(2, "C1", 2, START.plusSeconds(90));
            awaitRows(runtime, probe, 1, "the first minute, final once the watermark passed it");

            // 20 s into the first minute, while the watermark is at 1:30: late, within the lateness
            orders.send(3, "C1", 4, START.plusSeconds(20));
            awaitRows(runtime, probe, 2, "a second version of the first minute");

            // the watermark moves to 3:00: the second minute is final, the first one's lateness is over
            orders.send(4, "C1", 8, START.plusSeconds(180));
            awaitRows(runtime, probe, 3, "the second minute");
            orders.send(5, "C1", 16, START.plusSeconds(30));
            await("the record beyond the allowed lateness in " + deadLetters)
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> SourceTruth.readAll(broker.bootstrapServers(), deadLetters)
                                    .size()
                            == 1);
            runtime.stop(Duration.ofSeconds(60));
        }

        List<List<Object>> rows = Lakehouse.query(
                trino,
                "SELECT customer_id, CAST(to_unixtime(window_start) AS bigint), orders, units, window_version FROM "
                        + lakehouse.trinoCatalog() + "." + table + " ORDER BY window_start, window_version");
        long minute = START.getEpochSecond();
        assertThat(rows)
                .containsExactly(
                        List.of("C1", minute, 1L, 1L, 1L),
                        List.of("C1", minute, 2L, 5L, 2L),
                        List.of("C1", minute + 60, 1L, 2L, 1L));
        List<List<Object>> latest = Lakehouse.query(
                trino,
                "SELECT CAST(to_unixtime(window_start) AS bigint), max_by(orders, window_version) FROM "
                        + lakehouse.trinoCatalog() + "." + table + " GROUP BY window_start ORDER BY 1");
        assertThat(latest).containsExactly(List.of(minute, 2L), List.of(minute + 60, 1L));

        List<ConsumerRecord<ByteBuffer, ByteBuffer>> letters =
                SourceTruth.readAll(broker.bootstrapServers(), deadLetters);
        assertThat(letters).hasSize(1);
        assertThat(header(letters.get(0), "floe.source.offset")).isEqualTo("4");
        assertThat(header(letters.get(0), "floe.error.code")).isEqualTo("LATE_RECORD");
        assertThat(header(letters.get(0), "floe.error.reason")).contains("late");
        assertThat(letters.get(0).value()).isEqualTo(orders.value(5));
    }

    private static void awaitRows(FloeRuntime runtime, TableProbe probe, int rows, String what) {
        await(what)
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .failFast(
                        "a pipeline failed",
                        () -> runtime.pipelines().stream()
                                .anyMatch(pipeline -> pipeline.state() == Pipeline.State.FAILED))
                .until(() -> {
                    List<Record> found = probe.rows();
                    return found.size() >= rows;
                });
        assertThat(probe.rows()).as(what).hasSize(rows);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
