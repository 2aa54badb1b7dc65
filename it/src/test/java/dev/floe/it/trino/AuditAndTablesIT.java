package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.cli.FloeCli;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code floe audit} and {@code floe tables} as a user runs them on a config: after Floe ingested a
 * topic with malformed records, the audit finds the table's lineage contiguous and every missing
 * offset in the dead-letter topic, and the table listing shows the table and its offsets at
 * Kafka's end; then a snapshot committed through Iceberg's API with a gap and an overlap in its
 * lineage makes the audit fail, naming both.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class AuditAndTablesIT {
    private static final String TOPIC = "orders-audit";
    private static final String PIPELINE = "orders-audit";
    private static final String TABLE = "sales.orders_audit";
    private static final long ORDERS = 6_000;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;
    private final ObjectMapper json = new ObjectMapper();

    AuditAndTablesIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    /** A command's exit code and what it printed. */
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

    @Test
    void auditIsCleanAfterIngestionAndReportsAGapAndAnOverlapCommittedBehindFloe() throws IOException {
        GeneratorReport report;
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                        .withPartitions(3)
                        .withMalformedFraction(0.01))) {
            report = generator.produce(ORDERS);
        }
        assertThat(report.malformed()).isPositive();
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_audit", servers.postgres(), servers.s3Mock(), "s3://warehouse/audit");
        String yaml = lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), PIPELINE, TOPIC, TABLE, "");
        Path config = servers.newDirectory("audit").resolve("floe.yaml");
        Files.writeString(config, yaml);
        lakehouse.ingest(Lakehouse.parse(yaml), TABLE, report.valid());
        Map<Integer, Long> ends = endOffsets();

        Run clean = floe("audit", "--config", config.toString(), "--dead-letters", "--json");
        assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
        JsonNode audit = json.readTree(clean.out());
        assertThat(audit.get("clean").asBoolean()).isTrue();
        JsonNode table = audit.get("tables").get(0);
        assertThat(table.get("table").asText()).isEqualTo(TABLE);
        assertThat(table.get("commits").asInt()).isPositive();
        long rows = 0;
        long deadLettered = 0;
        List<Integer> partitions = new ArrayList<>();
        for (JsonNode partition : table.get("partitions")) {
            assertThat(partition.get("topic").asText()).isEqualTo(TOPIC);
            int number = partition.get("partition").asInt();
            partitions.add(number);
            assertThat(partition.get("from").asLong()).isZero();
            assertThat(partition.get("to").asLong()).isEqualTo(ends.get(number));
            rows += partition.get("rows").asLong();
            deadLettered += partition.get("deadLettered").asLong();
        }
        assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(rows).isEqualTo(report.valid());
        assertThat(deadLettered).isEqualTo(report.malformed());

        Run human = floe("audit", "--config", config.toString(), "--table", TABLE);
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).contains("Audit clean: 1 table(s)");

        Run tables = floe("tables", "--config", config.toString(), "--json");
        assertThat(tables.exitCode()).as(tables.err()).isZero();
        JsonNode listing = json.readTree(tables.out());
        assertThat(listing.get("kafkaReachable").asBoolean()).isTrue();
        JsonNode entry = listing.get("tables").get(0);
        assertThat(entry.get("table").asText()).isEqualTo(TABLE);
        assertThat(entry.get("pipeline").asText()).isEqualTo(PIPELINE);
        assertThat(entry.get("exists").asBoolean()).isTrue();
        assertThat(entry.get("rows").asLong()).isEqualTo(report.valid());
        assertThat(entry.get("dataFiles").asLong()).isPositive();
        assertThat(entry.get("totalBytes").asLong()).isPositive();
        Table loaded = lakehouse.loadTable(TABLE);
        assertThat(entry.get("snapshotId").asLong())
                .isEqualTo(loaded.currentSnapshot().snapshotId());
        JsonNode lastCommit = entry.get("lastCommit");
        assertThat(lastCommit.get("pipeline").asText()).isEqualTo(PIPELINE);
        assertThat(lastCommit.get("checkpointId").asLong())
                .isEqualTo(Long.parseLong(loaded.currentSnapshot().summary().get("floe.checkpoint-id")));
        assertThat(lastCommit.get("offsets")).hasSize(3);
        for (JsonNode offsets : lastCommit.get("offsets")) {
            long end = ends.get(offsets.get("partition").asInt());
            assertThat(offsets.get("committed").asLong()).isEqualTo(end);
            assertThat(offsets.get("end").asLong()).isEqualTo(end);
            assertThat(offsets.get("lag").asLong()).isZero();
        }

        Run tablesHuman = floe("tables", "--config", config.toString());
        assertThat(tablesHuman.exitCode()).isZero();
        assertThat(tablesHuman.out())
                .contains(TABLE + " (pipeline " + PIPELINE + ")")
                .contains(String.format("%,d rows", report.valid()))
                .contains("last Floe commit: checkpoint "
                        + lastCommit.get("checkpointId").asLong())
                .contains(String.format("committed %,d, end %,d, lag 0", ends.get(0), ends.get(0)));

        // a commit behind Floe's back: partition 0 covered again from 3 before its end (duplicates),
        // partition 1 resumed 5 after its end (lost rows)
        long checkpoint = lastCommit.get("checkpointId").asLong() + 1;
        long end0 = ends.get(0);
        long end1 = ends.get(1);
        loaded.newAppend()
                .set("floe.pipeline", PIPELINE)
                .set("floe.checkpoint-id", Long.toString(checkpoint))
                .set("floe.offsets", "{\"" + TOPIC + "\":{\"0\":" + (end0 + 10) + ",\"1\":" + (end1 + 10) + "}}")
                .set(
                        "floe.ranges",
                        "{\"" + TOPIC + "\":{\"0\":[" + (end0 - 3) + "," + (end0 + 10) + ",0],\"1\":[" + (end1 + 5)
                                + "," + (end1 + 10) + ",0]}}")
                .commit();
        long tampered = lakehouse.loadTable(TABLE).currentSnapshot().snapshotId();

        Run broken = floe("audit", "--config", config.toString(), "--pipeline", PIPELINE, "--json");
        assertThat(broken.exitCode()).as(broken.out() + broken.err()).isEqualTo(1);
        JsonNode findings = json.readTree(broken.out()).get("tables").get(0).get("findings");
        Map<String, JsonNode> byKind = new HashMap<>();
        findings.forEach(finding -> byKind.put(finding.get("kind").asText(), finding));
        assertThat(byKind).containsOnlyKeys("GAP", "OVERLAP");
        JsonNode gap = byKind.get("GAP");
        assertThat(gap.get("table").asText()).isEqualTo(TABLE);
        assertThat(gap.get("topic").asText()).isEqualTo(TOPIC);
        assertThat(gap.get("partition").asInt()).isEqualTo(1);
        assertThat(gap.get("from").asLong()).isEqualTo(end1);
        assertThat(gap.get("to").asLong()).isEqualTo(end1 + 5);
        assertThat(gap.get("snapshotId").asLong()).isEqualTo(tampered);
        JsonNode overlap = byKind.get("OVERLAP");
        assertThat(overlap.get("partition").asInt()).isZero();
        assertThat(overlap.get("from").asLong()).isEqualTo(end0 - 3);
        assertThat(overlap.get("to").asLong()).isEqualTo(end0);
        assertThat(overlap.get("snapshotId").asLong()).isEqualTo(tampered);

        Run brokenHuman = floe("audit", "--config", config.toString());
        assertThat(brokenHuman.exitCode()).isEqualTo(1);
        assertThat(brokenHuman.out())
                .contains("GAP: offsets [" + end1 + ", " + (end1 + 5) + ") of " + TOPIC + "-1 are in no commit")
                .contains("snapshot " + tampered)
                .contains("OVERLAP: offsets [" + (end0 - 3) + ", " + end0 + ") of " + TOPIC + "-0 are in two commits")
                .contains("Audit found 2 problem(s) in 1 table(s)");

        Run unknown = floe("audit", "--config", config.toString(), "--pipeline", "no-such-pipeline");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no Iceberg table of " + config + " for pipeline no-such-pipeline");
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
