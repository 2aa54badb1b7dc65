package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.iceberg.SnapshotMarkers;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code floe replay} against the real broker, registry and catalog: a pipeline started from
 * {@code latest} leaves the records before it out of its table (a hole in its lineage); while it
 * keeps running, a replay of part of one partition and then of everything fills exactly the hole,
 * the audit is clean with every offset once, the live pipeline's marker is untouched, and replaying
 * again adds nothing.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class ReplayIT {
    private static final String TOPIC = "orders-replay";
    private static final String PIPELINE = "orders-replay";
    private static final String TABLE = "sales.orders_replay";
    private static final long BEFORE = 3_000;
    private static final long LIVE = 2_000;
    private static final long AFTER = 1_000;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;
    private final ObjectMapper json = new ObjectMapper();

    ReplayIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run floe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = FloeCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private GeneratorReport produce(long count, long firstOrderId) {
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                        .withPartitions(3)
                        .withMalformedFraction(0)
                        .withFirstOrderId(firstOrderId))) {
            return generator.produce(count);
        }
    }

    @Test
    void replayFillsExactlyTheHoleWhileThePipelineRunsAndAddsNothingTheSecondTime() throws Exception {
        assertThat(produce(BEFORE, 1).valid()).isEqualTo(BEFORE);
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_replay", servers.postgres(), servers.s3Mock(), "s3://warehouse/replay");
        String yaml = lakehouse
                .floeYaml(broker.bootstrapServers(), registry.url(), PIPELINE, TOPIC, TABLE, "")
                .replace("startFrom: earliest", "startFrom: latest");
        Path config = servers.newDirectory("replay").resolve("floe.yaml");
        Files.writeString(config, yaml);
        FloeConfig parsed = Lakehouse.parse(yaml);
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Catalog catalog = lakehouse.floe().load();

        try (FloeRuntime live = FloeRuntime.start(parsed, Clock.systemUTC())) {
            // the live pipeline starts at the end: the records produced before are its table's hole
            // running means positioned: its readers resolved "latest" before it started them
            await("the live pipeline running")
                    .atMost(Duration.ofMinutes(2))
                    .failFast("the live pipeline failed", () -> failed(live))
                    .until(() -> !live.pipelines().isEmpty()
                            && live.pipelines().stream()
                                    .allMatch(pipeline -> pipeline.state() == Pipeline.State.RUNNING));
            produce(LIVE, 1_000_001);
            awaitRows(catalog, live, LIVE);

            Run before = floe("audit", "--config", config.toString(), "--json");
            assertThat(before.exitCode()).as(before.out() + before.err()).isZero();

            // part of partition 0 only
            Run partial = floe(
                    "replay",
                    "--config",
                    config.toString(),
                    "--pipeline",
                    PIPELINE,
                    "--from",
                    TOPIC + ":0:0",
                    "--to",
                    TOPIC + ":0:200",
                    "--json");
            assertThat(partial.exitCode()).as(partial.out() + partial.err()).isZero();
            assertThat(json.readTree(partial.out()).get("offsets").asLong()).isEqualTo(200);
            assertThat(Lakehouse.committedRows(catalog, TABLE)).isGreaterThanOrEqualTo(LIVE + 200);

            Run full = floe("replay", "--config", config.toString(), "--pipeline", PIPELINE, "--json");
            assertThat(full.exitCode()).as(full.out() + full.err()).isZero();
            JsonNode summary = json.readTree(full.out());
            assertThat(summary.get("offsets").asLong()).isEqualTo(BEFORE - 200);
            assertThat(summary.get("ok").asBoolean()).isTrue();

            produce(AFTER, 2_000_001);
            awaitRows(catalog, live, BEFORE + LIVE + AFTER);
            assertThat(live.stop(Duration.ofSeconds(60))).isTrue();
        }

        Map<Integer, Long> ends = endOffsets();
        Table table = lakehouse.loadTable(TABLE);
        assertThat(Lakehouse.committedRows(catalog, TABLE)).isEqualTo(BEFORE + LIVE + AFTER);
        assertThat(distinctOrderIds(table)).isEqualTo(BEFORE + LIVE + AFTER);
        // the live pipeline's marker is its own: at the end of each partition, not moved by the replays
        Map<Integer, Long> liveMarker = new HashMap<>();
        SnapshotMarkers.latest(table, PIPELINE)
                .orElseThrow()
                .offsets()
                .asMap()
                .forEach((partition, offset) -> liveMarker.put(partition.partition(), offset));
        assertThat(liveMarker).isEqualTo(ends);

        Run audit = floe("audit", "--config", config.toString(), "--json");
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
        JsonNode audited = json.readTree(audit.out()).get("tables").get(0);
        long rows = 0;
        for (JsonNode partition : audited.get("partitions")) {
            assertThat(partition.get("from").asLong()).isZero();
            assertThat(partition.get("to").asLong())
                    .isEqualTo(ends.get(partition.get("partition").asInt()));
            rows += partition.get("rows").asLong();
        }
        assertThat(rows).isEqualTo(BEFORE + LIVE + AFTER);
        assertThat(audited.get("findings")).isEmpty();

        Run again = floe("replay", "--config", config.toString(), "--pipeline", PIPELINE, "--json");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(json.readTree(again.out()).get("offsets").asLong()).isZero();
        assertThat(json.readTree(again.out()).get("runs").asInt()).isZero();
        assertThat(Lakehouse.committedRows(catalog, TABLE)).isEqualTo(BEFORE + LIVE + AFTER);

        Run unknown = floe("replay", "--config", config.toString(), "--pipeline", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("has no pipeline nope");
    }

    private static boolean failed(FloeRuntime runtime) {
        return runtime.pipelines().stream().anyMatch(pipeline -> pipeline.state() == Pipeline.State.FAILED);
    }

    private static void awaitRows(Catalog catalog, FloeRuntime live, long rows) {
        await("table " + TABLE + " holding " + rows + " rows")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .failFast("the live pipeline failed", () -> failed(live))
                .until(() -> Lakehouse.committedRows(catalog, TABLE) >= rows);
    }

    private static long distinctOrderIds(Table table) throws Exception {
        Set<Object> ids = new HashSet<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record record : records) {
                ids.add(record.getField("order_id"));
            }
        }
        return ids.size();
    }

    private Map<Integer, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(TOPIC).forEach(info -> partitions.add(new TopicPartition(TOPIC, info.partition())));
            Map<Integer, Long> ends = new HashMap<>();
            consumer.endOffsets(partitions).forEach((partition, offset) -> ends.put(partition.partition(), offset));
            return ends;
        }
    }
}
