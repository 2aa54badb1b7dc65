package dev.floe.it.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a pipeline reads and where it starts, against the real broker. */
@ExtendWith(EmbeddedServersExtension.class)
class SourceFeaturesIT {
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    /** A pipeline of its own: its config, its table. */
    private record Setup(FloeConfig config, TableProbe table) {}

    private static Setup setup(
            EmbeddedServers servers, String name, String bootstrap, String source, String kafkaProperties) {
        Path directory = servers.newDirectory(name);
        CatalogConfig catalog = new CatalogConfig(
                "it",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
        String yaml = """
                kafka:
                  bootstrapServers: %s
                %s
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
                    parallelism: 2
                    source:
                %s
                    sink:
                      table: it.%s
                """.formatted(
                        bootstrap,
                        kafkaProperties,
                        servers.registry().url(),
                        catalog.uri(),
                        catalog.warehouse(),
                        directory.resolve("checkpoints"),
                        name,
                        source,
                        name.replace('-', '_'));
        FloeConfig config = new ConfigLoader(Sinks.installed(), variable -> null, 2).parse(name + ".yaml", yaml);
        return new Setup(config, new TableProbe(catalog, "it." + name.replace('-', '_')));
    }

    private static OrdersGenerator generator(String bootstrap, String registry, String topic, int partitions) {
        return OrdersGenerator.start(OrdersGeneratorSettings.of(bootstrap, registry, topic)
                .withPartitions(partitions)
                .withMalformedFraction(0));
    }

    private static Set<Long> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
    }

    private static void awaitRows(TableProbe table, Set<Long> expected) {
        await().atMost(PATIENCE)
                .ignoreExceptions()
                .until(() -> table.longColumn("order_id").size() >= expected.size());
        List<Long> ids = table.longColumn("order_id");
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
    }

    @Test
    void readsEveryTopicOfAPatternWithTopicsAndPartitionsAddedWhileRunning(EmbeddedServers servers) throws Exception {
        String bootstrap = servers.broker().bootstrapServers();
        String registry = servers.registry().url();
        Setup setup = setup(
                servers,
                "pattern",
                bootstrap,
                "          topicPattern: \"pattern-orders-.*\"\n          discoveryInterval: 1s",
                "");
        try (OrdersGenerator first = generator(bootstrap, registry, "pattern-orders-a", 2);
                FloeRuntime runtime = FloeRuntime.start(setup.config(), Clock.systemUTC())) {
            first.produce(1_000);
            awaitRows(setup.table(), ids(1, 1_000));

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createPartitions(Map.of("pattern-orders-a", NewPartitions.increaseTo(4)))
                        .all()
                        .get();
            }
            first.produce(1_000);
            try (OrdersGenerator second =
                    OrdersGenerator.start(OrdersGeneratorSettings.of(bootstrap, registry, "pattern-orders-b")
                            .withPartitions(1)
                            .withMalformedFraction(0)
                            .withFirstOrderId(100_001))) {
                second.produce(500);
            }

            Set<Long> expected = ids(1, 2_000);
            expected.addAll(ids(100_001, 100_500));
            awaitRows(setup.table(), expected);
            assertThat(runtime.pipelines().get(0).state()).isEqualTo(Pipeline.State.RUNNING);
        }
    }

    @Test
    void startsAtTheFirstRecordAtOrAfterATimestamp(EmbeddedServers servers) {
        String bootstrap = servers.broker().bootstrapServers();
        try (OrdersGenerator generator = generator(bootstrap, servers.registry().url(), "timestamp-orders", 2)) {
            generator.produce(300);
            Instant cut = Instant.now().plusMillis(5);
            await().atMost(PATIENCE).until(() -> Instant.now().isAfter(cut));
            generator.produce(200);
            Setup setup = setup(
                    servers,
                    "timestamp",
                    bootstrap,
                    "          topics: [timestamp-orders]\n          startFrom: timestamp\n          startTimestamp: "
                            + cut,
                    "");

            try (FloeRuntime runtime = FloeRuntime.start(setup.config(), Clock.systemUTC())) {
                awaitRows(setup.table(), ids(301, 500));
            }
        }
    }

    @Test
    void startsAtTheConsumerGroupsCommittedOffsets(EmbeddedServers servers) throws Exception {
        String bootstrap = servers.broker().bootstrapServers();
        try (OrdersGenerator generator = generator(bootstrap, servers.registry().url(), "group-orders", 1)) {
            generator.produce(400);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.alterConsumerGroupOffsets(
                                "legacy-consumer",
                                Map.of(new TopicPartition("group-orders", 0), new OffsetAndMetadata(250)))
                        .all()
                        .get();
            }
            Setup setup = setup(
                    servers,
                    "group",
                    bootstrap,
                    "          topics: [group-orders]\n          startFrom: group-offsets\n          groupId: legacy-consumer",
                    "");

            try (FloeRuntime runtime = FloeRuntime.start(setup.config(), Clock.systemUTC())) {
                awaitRows(setup.table(), ids(251, 400));
            }
        }
    }

    @Test
    void startsAtExplicitOffsets(EmbeddedServers servers) {
        String bootstrap = servers.broker().bootstrapServers();
        try (OrdersGenerator generator = generator(bootstrap, servers.registry().url(), "explicit-orders", 1)) {
            generator.produce(300);
            Setup setup = setup(
                    servers,
                    "explicit",
                    bootstrap,
                    "          topics: [explicit-orders]\n          startFrom: offsets\n          startOffsets: {\"explicit-orders:0\": 100}",
                    "");

            try (FloeRuntime runtime = FloeRuntime.start(setup.config(), Clock.systemUTC())) {
                awaitRows(setup.table(), ids(101, 300));
            }
        }
    }

    @Test
    void readsThroughSaslScramWithTheConfiguredCredentialsAndStopsOnWrongOnes(EmbeddedServers servers) {
        EmbeddedKafkaBroker.ScramUser user = new EmbeddedKafkaBroker.ScramUser("floe", "s3cret-scram");
        try (EmbeddedKafkaBroker secured =
                        EmbeddedKafkaBroker.start(servers.newDirectory("scram-broker"), Map.of(), user);
                OrdersGenerator generator =
                        generator(secured.bootstrapServers(), servers.registry().url(), "secured-orders", 1)) {
            generator.produce(200);
            String properties = """
                      properties:
                        security.protocol: SASL_PLAINTEXT
                        sasl.mechanism: SCRAM-SHA-256
                        sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="floe" password="%s";
                    """;
            Setup setup = setup(
                    servers,
                    "scram",
                    secured.saslBootstrapServers(),
                    "          topics: [secured-orders]",
                    properties.formatted("s3cret-scram"));
            try (FloeRuntime runtime = FloeRuntime.start(setup.config(), Clock.systemUTC())) {
                awaitRows(setup.table(), ids(1, 200));
            }

            Setup refused = setup(
                    servers,
                    "scram-refused",
                    secured.saslBootstrapServers(),
                    "          topics: [secured-orders]",
                    properties.formatted("wrong"));
            try (FloeRuntime runtime = FloeRuntime.start(refused.config(), Clock.systemUTC())) {
                Pipeline pipeline = runtime.pipelines().get(0);
                await().atMost(PATIENCE).until(() -> pipeline.state() == Pipeline.State.FAILED);
                assertThat(pipeline.failureCause()).hasMessageContaining("authentication");
            }
        }
    }
}
