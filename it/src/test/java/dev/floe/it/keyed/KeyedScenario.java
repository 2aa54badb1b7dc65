package dev.floe.it.keyed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.exactlyonce.FloeProcess;
import dev.floe.it.exactlyonce.HaltingListener;
import dev.floe.it.exactlyonce.SourceTruth;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A topic of orders and what a keyed pipeline over it must end with: orders and quantity per
 * customer, computed here from the topic itself, independently of the pipeline.
 */
final class KeyedScenario {
    final EmbeddedServers servers;
    final String topic;
    final Map<String, List<Long>> expected;

    private KeyedScenario(EmbeddedServers servers, String topic, Map<String, List<Long>> expected) {
        this.servers = servers;
        this.topic = topic;
        this.expected = expected;
    }

    /** Produces {@code records} orders (some malformed) to a new topic and works out the totals. */
    static KeyedScenario produce(EmbeddedServers servers, String topic, long records) {
        String bootstrap = servers.broker().bootstrapServers();
        String registry = servers.registry().url();
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(bootstrap, registry, topic))) {
            generator.produce(records);
        }
        Map<String, List<Long>> totals = new HashMap<>();
        try (CachingSchemaRegistry cache =
                new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registry)))) {
            ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(cache, RowType::of);
            for (ConsumerRecord<ByteBuffer, ByteBuffer> record : SourceTruth.readAll(bootstrap, topic)) {
                try {
                    Row row = decoder.decode(record.value());
                    List<Long> total = totals.computeIfAbsent(
                            row.get(1, CharSequence.class).toString(), c -> new java.util.ArrayList<>(List.of(0L, 0L)));
                    total.set(0, total.get(0) + 1);
                    total.set(1, total.get(1) + row.getInt(3));
                } catch (BadRecordException e) {
                    // a malformed order: not counted
                }
            }
        }
        return new KeyedScenario(servers, topic, totals);
    }

    /** A pipeline of its own over the topic: table, checkpoints, consumer group, dead letters. */
    Run run(String name) {
        Path directory = servers.newDirectory(name);
        CatalogConfig catalog = new CatalogConfig(
                "it",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
        Path config = directory.resolve("floe.yaml");
        try {
            Files.writeString(config, """
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
                            name.replace('-', '_')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Run(name, config, new TableProbe(catalog, "it." + name.replace('-', '_')));
    }

    /** One pipeline's runs, each a process of its own. */
    final class Run {
        final String name;
        final Path config;
        final TableProbe table;
        private int started;

        Run(String name, Path config, TableProbe table) {
            this.name = name;
            this.config = config;
            this.table = table;
        }

        /** Runs until it halts itself at {@code phase} of a checkpoint, reading continuously. */
        void haltAt(CheckpointPhase phase, int parallelism) {
            try (FloeProcess process =
                    start(parallelism, "continuous", Map.of(HaltingListener.VARIABLE, phase.name() + ":1"))) {
                assertThat(process.awaitExit(Duration.ofMinutes(2)))
                        .as("halted at " + phase + "; see " + process.log())
                        .isEqualTo(HaltingListener.HALTED);
            }
        }

        /** Runs to the end of the topic and stops cleanly. */
        void toTheEnd(int parallelism) {
            try (FloeProcess process = start(parallelism, "until-end", Map.of())) {
                assertThat(process.awaitExit(Duration.ofMinutes(3)))
                        .as("a bounded run exits 0; see " + process.log())
                        .isZero();
            }
        }

        FloeProcess start(int parallelism, String mode, Map<String, String> environment) {
            return FloeProcess.start(
                    KeyedPipelineMain.class.getName(),
                    List.of(config.toString(), Integer.toString(parallelism), mode),
                    environment,
                    name + "-" + ++started);
        }

        /** The table holds one row per customer with exactly the expected totals. */
        void assertExact() {
            Map<String, List<Long>> actual = new HashMap<>();
            for (Record row : table.rows()) {
                String customer = (String) row.getField("customer_id");
                assertThat(actual.put(
                                customer, List.of((Long) row.getField("orders"), (Long) row.getField("quantity"))))
                        .as("customer " + customer + " emitted once")
                        .isNull();
            }
            assertThat(actual).isEqualTo(expected);
        }
    }
}
