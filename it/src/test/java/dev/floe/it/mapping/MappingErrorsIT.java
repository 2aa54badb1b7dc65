package dev.floe.it.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.exactlyonce.SourceTruth;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pipeline's mapping meets the topic's real schema in the real registry: a mapping that does not
 * fit it is refused before anything starts, naming the file, line, key path and topic; a record an
 * expression fails on goes to the dead-letter topic with the expression, its key path and the error.
 */
@ExtendWith(EmbeddedServersExtension.class)
class MappingErrorsIT {
    private static final Instant START = OrdersGeneratorSettings.DEFAULT_START_TIME;

    private final EmbeddedServers servers;

    MappingErrorsIT(EmbeddedServers servers) {
        this.servers = servers;
    }

    /** A config of one pipeline from {@code topic} to {@code it.<name>} with {@code mapping}. */
    private FloeConfig config(Path directory, String name, String topic, String mapping) {
        CatalogConfig catalog = catalog(directory);
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
                  interval: 1s
                  storage: %s
                pipelines:
                  - id: %s
                    parallelism: 1
                    source:
                      topics: [%s]
                    sink:
                      table: it.%s
                """.formatted(
                                servers.broker().bootstrapServers(),
                                servers.registry().url(),
                                catalog.uri(),
                                catalog.warehouse(),
                                directory.resolve("checkpoints"),
                                name,
                                topic,
                                name.replace('-', '_'))
                + mapping;
        return new ConfigLoader(Sinks.installed(), variable -> null, 2).parse("floe.yaml", yaml);
    }

    private static CatalogConfig catalog(Path directory) {
        return new CatalogConfig(
                "it",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
    }

    @Test
    void aMappingThatDoesNotFitTheTopicsSchemaIsRefusedBeforeAnythingStarts() {
        String topic = "orders-misfit";
        try (OrdersGenerator generator = OrdersGenerator.start(OrdersGeneratorSettings.of(
                servers.broker().bootstrapServers(), servers.registry().url(), topic))) {
            generator.produce(10);
        }
        FloeConfig config = config(servers.newDirectory("misfit"), "misfit", topic, """
                    eventTime: {field: event_time}
                    transforms:
                      - rename: {custmer_id: customer}
                      - set:
                          total: "price * quantity"
                    window:
                      type: tumbling
                      size: 1m
                      keyBy: [customer_id]
                      aggregates:
                        - {name: revenue, function: sum, field: country}
                """);

        assertThatThrownBy(() -> FloeRuntime.start(config, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("floe.yaml:22: pipelines[0].transforms[0].rename.custmer_id: records of topic"
                        + " orders-misfit: no field 'custmer_id' in the rows at this step; did you mean 'customer_id'?")
                .hasMessageContaining("floe.yaml:24: pipelines[0].transforms[1].set.total: records of topic"
                        + " orders-misfit: expression `price * quantity` does not compile")
                .hasMessageContaining("found no matching overload for '_*_' applied to '(double, int)'");

        FloeConfig aggregates = config(servers.newDirectory("misfit-sum"), "misfit-sum", topic, """
                    eventTime: {field: event_time}
                    window:
                      type: tumbling
                      size: 1m
                      keyBy: [customer_id]
                      aggregates:
                        - {name: revenue, function: sum, field: country}
                """);
        assertThatThrownBy(() -> FloeRuntime.start(aggregates, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipelines[0].window.aggregates[0]: records of topic orders-misfit:")
                .hasMessageContaining("country");
    }

    @Test
    void recordsAnExpressionFailsOnAreDeadLetteredWithTheExpressionAndTheError() {
        String topic = "orders-bad-math";
        int schemaId;
        try (OrdersGenerator generator = OrdersGenerator.start(OrdersGeneratorSettings.of(
                        servers.broker().bootstrapServers(), servers.registry().url(), topic)
                .withPartitions(1))) {
            schemaId = generator.schemaId();
        }
        HandMadeOrders orders = new HandMadeOrders(servers.broker().bootstrapServers(), topic, schemaId);
        try (orders) {
            for (int quantity = 1; quantity <= 5; quantity++) {
                orders.send(quantity, "C1", quantity, START.plusSeconds(quantity));
            }
        }
        Path directory = servers.newDirectory("bad-math");
        FloeConfig config = config(directory, "bad-math", topic, """
                    deadLetter: {topic: bad-math.dead-letters}
                    transforms:
                      - filter: "quantity != 5"
                      - set:
                          per_item: "int(price) / (quantity - 3)"
                      - select: [order_id, quantity, per_item]
                """);

        try (FloeRuntime runtime = FloeRuntime.start(config, Clock.systemUTC(), RunMode.UNTIL_END)) {
            runtime.terminated().orTimeout(3, TimeUnit.MINUTES).join();
            assertThat(runtime.pipelines())
                    .allSatisfy(pipeline -> assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED));
        }

        List<Record> rows = new TableProbe(catalog(directory), "it.bad_math").rows();
        assertThat(rows)
                .extracting(row -> List.of(row.getField("order_id"), row.getField("per_item")))
                .containsExactlyInAnyOrder(List.of(1L, -9L), List.of(2L, -19L), List.of(4L, 19L));
        List<ConsumerRecord<ByteBuffer, ByteBuffer>> letters =
                SourceTruth.readAll(servers.broker().bootstrapServers(), "bad-math.dead-letters");
        assertThat(letters).hasSize(1);
        ConsumerRecord<ByteBuffer, ByteBuffer> letter = letters.get(0);
        assertThat(header(letter, "floe.source.offset")).isEqualTo("2");
        assertThat(header(letter, "floe.error.code")).isEqualTo("EXPRESSION_FAILED");
        assertThat(header(letter, "floe.error.stage")).isEqualTo("transform");
        assertThat(header(letter, "floe.error.reason"))
                .contains("Cannot evaluate expression `int(price) / (quantity - 3)` (floe.yaml:24:"
                        + " pipelines[0].transforms[1].set.per_item)")
                .contains("/ by zero");
        assertThat(letter.value()).as("the original value").isEqualTo(orders.value(3));
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
