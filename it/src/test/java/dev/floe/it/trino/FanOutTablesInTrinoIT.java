package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.metrics.TableCommits;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * One pipeline routing each order by a computed column into one of 200 tables, with each sink
 * writer allowed only {@value #MAX_OPEN_FILES} open data files: the writers' open-file gauges, as
 * {@code /metrics} serves them, never exceed the bound (and reach it, so the bound did the work),
 * every table holds exactly its orders, each once, in Iceberg and in Trino, and {@code floe audit}
 * finds the 200 tables' lineage clean.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class FanOutTablesInTrinoIT {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutTablesInTrinoIT.class);
    private static final String TOPIC = "orders-fanout";
    private static final String PIPELINE = "fanout";
    private static final String NAMESPACE = "fanout";
    private static final int TABLES = 200;
    private static final int ORDERS_PER_TABLE = 100;
    private static final long ORDERS = (long) TABLES * ORDERS_PER_TABLE;
    private static final int MAX_OPEN_FILES = 8;
    private static final int TABLES_A_QUERY = 50;
    private static final Duration INGEST_TIMEOUT = Duration.ofMinutes(6);
    private static final Pattern MOST_OPEN = Pattern.compile(
            "^floe_sink_open_files_max\\{[^}]*pipeline=\"" + PIPELINE + "\"[^}]*subtask=\"(\\d+)\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    FanOutTablesInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    /**
     * Order ids run from 1 without gaps (no malformed records), so table {@code orders_<k>} must hold
     * exactly the ids {@code 100k+1 .. 100k+100}: blocks of consecutive ids, which keep a writer's
     * recent tables few enough for LRU rolling to be the exception, not every row.
     */
    private static String yaml(Lakehouse lakehouse, String bootstrapServers, String registryUrl) {
        String base = lakehouse.floeYaml(
                bootstrapServers,
                registryUrl,
                PIPELINE,
                TOPIC,
                NAMESPACE + ".orders_${shard}",
                "      maxOpenFiles: " + MAX_OPEN_FILES + "\n");
        // one checkpoint, the final one: no periodic commit rounds over the 200 tables
        return base.replace("interval: 1s", "interval: 10m")
                .replace(
                        "storage: s3://" + Lakehouse.CHECKPOINT_BUCKET + "/fanout-orders_${shard}",
                        "storage: s3://" + Lakehouse.CHECKPOINT_BUCKET + "/fanout-tables")
                .replace(
                        "    sink:\n",
                        "    transforms:\n      - set:\n          shard: (order_id - 1) / " + ORDERS_PER_TABLE + "\n"
                                + "    sink:\n");
    }

    @Test
    void twoHundredTablesHoldExactlyTheirRowsWhileOpenFilesStayWithinTheBound() throws Exception {
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                        .withPartitions(3)
                        .withMalformedFraction(0))) {
            generator.produce(ORDERS);
        }
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_fanout", servers.postgres(), servers.s3Mock(), "s3://warehouse/fanout");
        String yaml = yaml(lakehouse, broker.bootstrapServers(), registry.url());
        assertThat(yaml).contains("fanout-tables").contains("interval: 10m").contains("shard: (order_id - 1) / 100");
        Path config = servers.newDirectory("fanout").resolve("floe.yaml");
        Files.writeString(config, yaml);

        Map<Integer, Double> mostOpen = ingest(lakehouse, yaml);
        LOG.info("Most data files open at once per sink subtask: {}", mostOpen);
        assertThat(mostOpen).as("the writers' gauges in /metrics").hasSize(2);
        assertThat(mostOpen.values()).allSatisfy(most -> assertThat(most).isLessThanOrEqualTo(MAX_OPEN_FILES));
        // each writer routes to far more than 8 tables between two checkpoints: the bound was reached
        assertThat(mostOpen.values()).contains((double) MAX_OPEN_FILES);

        Catalog catalog = lakehouse.floe().load();
        List<TableIdentifier> tables = catalog.listTables(Namespace.of(NAMESPACE));
        assertThat(tables).hasSize(TABLES);
        for (int shard = 0; shard < TABLES; shard++) {
            Table table = catalog.loadTable(TableIdentifier.of(NAMESPACE, "orders_" + shard));
            List<Long> expected = LongStream.rangeClosed(
                            (long) shard * ORDERS_PER_TABLE + 1, (long) (shard + 1) * ORDERS_PER_TABLE)
                    .boxed()
                    .toList();
            assertThat(orderIds(table)).as("order ids of %s", table.name()).isEqualTo(expected);
        }

        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        // Trino plans a stage per table of a UNION ALL and refuses more than 150: 50 tables a query
        List<List<Object>> perTable = new ArrayList<>();
        for (int first = 0; first < TABLES; first += TABLES_A_QUERY) {
            String union = LongStream.range(first, first + TABLES_A_QUERY)
                    .mapToObj(shard -> "SELECT " + shard + " AS shard, order_id FROM " + lakehouse.trinoCatalog() + "."
                            + NAMESPACE + ".orders_" + shard)
                    .collect(Collectors.joining(" UNION ALL "));
            perTable.addAll(Lakehouse.query(
                    trino,
                    "SELECT shard, count(*), count(DISTINCT order_id), min(order_id), max(order_id),"
                            + " count_if((order_id - 1) / " + ORDERS_PER_TABLE + " <> shard) FROM (" + union
                            + ") GROUP BY shard ORDER BY shard"));
        }
        assertThat(perTable).hasSize(TABLES);
        for (List<Object> row : perTable) {
            long shard = ((Number) row.get(0)).longValue();
            assertThat(row.subList(1, 6))
                    .as("Trino's view of orders_%d", shard)
                    .containsExactly(
                            (long) ORDERS_PER_TABLE,
                            (long) ORDERS_PER_TABLE,
                            shard * ORDERS_PER_TABLE + 1,
                            (shard + 1) * ORDERS_PER_TABLE,
                            0L);
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine audit = FloeCli.commandLine();
        audit.setOut(new PrintWriter(out));
        audit.setErr(new PrintWriter(err));
        int exitCode = audit.execute("audit", "--config", config.toString(), "--json");
        assertThat(exitCode).as(out + "\n" + err).isZero();
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertThat(report.get("clean").asBoolean()).as(out.toString()).isTrue();
        assertThat(report.get("tables")).hasSize(TABLES);
    }

    /**
     * Runs Floe to the end of the topic and its final checkpoint (one commit per table: a commit
     * round of 200 tables is what takes the time here), then reads the writers' peak open files
     * from the Prometheus text {@code /metrics} serves.
     */
    private static Map<Integer, Double> ingest(Lakehouse lakehouse, String yaml) throws Exception {
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        try (FloeRuntime runtime = FloeRuntime.start(Lakehouse.parse(yaml), Clock.systemUTC(), RunMode.UNTIL_END)) {
            runtime.terminated().get(INGEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(runtime.pipelines())
                    .allSatisfy(pipeline -> assertThat(pipeline.state()).isNotEqualTo(Pipeline.State.FAILED));
            assertThat(runtime.metrics().pipeline(PIPELINE).tables().stream()
                            .mapToLong(TableCommits::records)
                            .sum())
                    .as("rows committed over every table")
                    .isEqualTo(ORDERS);
            Map<Integer, Double> mostOpen = new TreeMap<>();
            Matcher matcher = MOST_OPEN.matcher(runtime.metrics().scrape());
            while (matcher.find()) {
                mostOpen.put(Integer.parseInt(matcher.group(1)), Double.parseDouble(matcher.group(2)));
            }
            return mostOpen;
        }
    }

    private static List<Long> orderIds(Table table) {
        List<Long> ids = new ArrayList<>();
        try (CloseableIterable<Record> rows =
                IcebergGenerics.read(table).select("order_id").build()) {
            rows.forEach(row -> ids.add((Long) row.getField("order_id")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + table.name() + ": " + e, e);
        }
        ids.sort(Long::compareTo);
        return ids;
    }
}
