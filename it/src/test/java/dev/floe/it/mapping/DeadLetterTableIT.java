package dev.floe.it.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.exactlyonce.FloeProcess;
import dev.floe.it.exactlyonce.HaltingListener;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Dead letters in an Iceberg table ({@code deadLetter.table}) against real servers: records that
 * are not in the registry's wire format or that an expression fails on land in the table with
 * their original key, value, headers and source position, the stage and the error; a process
 * killed after their commit and before the data's neither loses nor repeats one.
 */
@ExtendWith(EmbeddedServersExtension.class)
class DeadLetterTableIT {
    private static final Instant START = OrdersGeneratorSettings.DEFAULT_START_TIME;
    private static final String NOT_AVRO = "not the registry's wire format";

    private final EmbeddedServers servers;

    DeadLetterTableIT(EmbeddedServers servers) {
        this.servers = servers;
    }

    @Test
    void deadLettersLandInTheirTableOnceThroughAKillBetweenTheirCommitAndTheData() throws IOException {
        String topic = "orders-dead-letter-table";
        int schemaId;
        try (OrdersGenerator generator = OrdersGenerator.start(OrdersGeneratorSettings.of(
                        servers.broker().bootstrapServers(), servers.registry().url(), topic)
                .withPartitions(1))) {
            schemaId = generator.schemaId();
        }
        HandMadeOrders orders = new HandMadeOrders(servers.broker().bootstrapServers(), topic, schemaId);
        try (orders) {
            orders.send(1, "C1", 1, START.plusSeconds(1)); // offset 0
            orders.send(2, "C2", 2, START.plusSeconds(2)); // offset 1
            orders.sendRaw("C9", NOT_AVRO.getBytes(StandardCharsets.UTF_8), "trace", "t-42"); // offset 2
            orders.send(3, "C3", 3, START.plusSeconds(3)); // offset 3: divides by zero
            orders.send(4, "C4", 4, START.plusSeconds(4)); // offset 4
        }
        Path directory = servers.newDirectory("dead-letter-table");
        CatalogConfig catalog = new CatalogConfig(
                "it",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
        // a long interval: the first checkpoint holds every record, so the kill lands between the
        // dead letters' commit and the data's commit of the same checkpoint
        String yaml = """
                kafka:
                  bootstrapServers: %s
                schemaRegistry:
                  url: %s
                catalog:
                  name: it
                  type: jdbc
                  uri: %s
                  warehouse: %s
                checkpoints:
                  interval: 5s
                  storage: %s
                pipelines:
                  - id: dead-table
                    parallelism: 1
                    source:
                      topics: [%s]
                    deadLetter:
                      table: quarantine.dead_table
                    transforms:
                      - set:
                          per_item: "int(price) / (quantity - 3)"
                      - select: [order_id, quantity, per_item]
                    sink:
                      table: it.dead_table
                """.formatted(
                        servers.broker().bootstrapServers(),
                        servers.registry().url(),
                        catalog.uri(),
                        catalog.warehouse(),
                        directory.resolve("checkpoints"),
                        topic);
        Path file = directory.resolve("floe.yaml");
        Files.writeString(file, yaml);
        TableProbe data = new TableProbe(catalog, "it.dead_table");
        TableProbe letters = new TableProbe(catalog, "quarantine.dead_table");

        try (FloeProcess floe = FloeProcess.run(
                file,
                Map.of(HaltingListener.VARIABLE, CheckpointPhase.DEAD_LETTERS_DELIVERED.name() + ":1"),
                "dead-letter-table-killed")) {
            assertThat(floe.awaitExit(Duration.ofMinutes(2)))
                    .as("halted after the dead letters' commit; see " + floe.log())
                    .isEqualTo(HaltingListener.HALTED);
        }
        assertThat(letters.rows())
                .as("the dead letters of checkpoint 1, committed")
                .hasSize(2);
        assertThat(data.rows())
                .as("the data of checkpoint 1, not yet committed")
                .isEmpty();

        FloeConfig config = new ConfigLoader(Sinks.installed(), variable -> null, 2).parse("floe.yaml", yaml);
        for (int run = 1; run <= 2; run++) {
            try (FloeRuntime runtime = FloeRuntime.start(config, Clock.systemUTC(), RunMode.UNTIL_END)) {
                runtime.terminated().orTimeout(3, TimeUnit.MINUTES).join();
                assertThat(runtime.pipelines())
                        .allSatisfy(pipeline -> assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED));
            }
        }

        assertThat(data.rows())
                .extracting(row -> List.of(row.getField("order_id"), row.getField("per_item")))
                .containsExactlyInAnyOrder(List.of(1L, -9L), List.of(2L, -19L), List.of(4L, 19L));
        List<Record> rows = letters.rows().stream()
                .sorted(Comparator.comparing(row -> (Long) row.getField("source_offset")))
                .toList();
        assertThat(rows).as("each dead letter once after the restarts").hasSize(2);

        Record malformed = rows.get(0);
        assertThat(malformed.getField("pipeline")).isEqualTo("dead-table");
        assertThat(malformed.getField("checkpoint_id")).isEqualTo(1L);
        assertThat(malformed.getField("source_topic")).isEqualTo(topic);
        assertThat(malformed.getField("source_partition")).isEqualTo(0);
        assertThat(malformed.getField("source_offset")).isEqualTo(2L);
        assertThat(malformed.getField("source_timestamp")).isInstanceOf(OffsetDateTime.class);
        assertThat(malformed.getField("key")).isEqualTo(ByteBuffer.wrap("C9".getBytes(StandardCharsets.UTF_8)));
        assertThat(malformed.getField("value")).isEqualTo(ByteBuffer.wrap(NOT_AVRO.getBytes(StandardCharsets.UTF_8)));
        assertThat(malformed.getField("headers")).isEqualTo(Map.of("trace", "t-42"));
        assertThat(malformed.getField("stage")).isEqualTo("decode");
        assertThat(malformed.getField("error_code")).isEqualTo("NOT_WIRE_FORMAT");
        assertThat(malformed.getField("failed_at")).isInstanceOf(OffsetDateTime.class);

        Record failed = rows.get(1);
        assertThat(failed.getField("source_offset")).isEqualTo(3L);
        assertThat(failed.getField("key")).isEqualTo(ByteBuffer.wrap("C3".getBytes(StandardCharsets.UTF_8)));
        assertThat(failed.getField("value")).as("the original value").isEqualTo(orders.value(3));
        assertThat(failed.getField("stage")).isEqualTo("transform");
        assertThat(failed.getField("error_code")).isEqualTo("EXPRESSION_FAILED");
        assertThat((String) failed.getField("error_message"))
                .contains("Cannot evaluate expression `int(price) / (quantity - 3)`")
                .contains("/ by zero");

        StringWriter out = new StringWriter();
        CommandLine audit = FloeCli.commandLine();
        audit.setOut(new PrintWriter(out));
        assertThat(audit.execute("audit", "--config", file.toString(), "--dead-letters", "--json"))
                .as(out.toString())
                .isZero();
        JsonNode partition = new ObjectMapper()
                .readTree(out.toString())
                .get("tables")
                .get(0)
                .get("partitions")
                .get(0);
        assertThat(partition.get("rows").asLong()).isEqualTo(3);
        assertThat(partition.get("deadLettered").asLong())
                .as("the audit counts the dead-letter table's letters")
                .isEqualTo(2);

        assertThat(letters.summaries())
                .as("one append, for checkpoint 1")
                .singleElement()
                .satisfies(summary -> assertThat(summary)
                        .containsEntry("floe.pipeline", "dead-table")
                        .containsEntry("floe.checkpoint-id", "1")
                        .containsEntry("floe.dead-letters", "2"));
    }
}
