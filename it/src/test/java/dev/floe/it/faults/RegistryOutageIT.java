package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrderSamples;
import dev.floe.deploy.demo.OrderSchema;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.registry.SchemaRegistrySettings;
import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.deadletter.KafkaDeadLetterPublisher;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegisteredSchema;
import dev.floe.registry.RegistryClientConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real pipeline (Kafka → decode → Iceberg on a JDBC catalog) while its schema registry goes away
 * and comes back, and with records that can never decode. Nothing may be dropped or duplicated:
 * records waiting for a schema wait, and each bad record reaches the dead-letter topic with the
 * reason it was refused.
 */
@ExtendWith(EmbeddedServersExtension.class)
class RegistryOutageIT {
    private static final String TOPIC = "outage-orders";
    private static final String DEAD_LETTER_TOPIC = TOPIC + ".dead-letters";
    private static final String TABLE = "it.outage_orders";
    private static final String SUBJECT = TOPIC + "-value";
    private static final int PARTITIONS = 2;
    private static final int PER_PHASE = 400;
    /** An id the registry never assigns: registered ids count up from 1. */
    private static final int UNKNOWN_ID = Integer.MAX_VALUE - 1;
    /** The orders schema, evolved: a new optional field, compatible under the default BACKWARD. */
    private static final String ORDER_V2 = OrderSchema.avro()
            .toString()
            .replaceFirst("]}$", ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

    private final EmbeddedKafkaBroker broker;
    private final Path directory;

    RegistryOutageIT(EmbeddedKafkaBroker broker, EmbeddedServers servers) {
        this.broker = broker;
        this.directory = servers.newDirectory("registry-outage");
    }

    /** Where a produced record landed. */
    private record Sent(int partition, long offset) {}

    @Test
    void waitsForTheRegistryWithoutLosingAnyRecordAndDeadLettersEachBadKindWithItsReason() throws Exception {
        createTopic(TOPIC, PARTITIONS);
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                SchemaRegistrySettings.of(broker.bootstrapServers()).withTopic("_schemas_outage"));
        String url = registry.url();
        int v1;
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(url))) {
            v1 = client.register(
                    SUBJECT, RegisteredSchema.AVRO, OrderSchema.avro().toString(), List.of());
        }
        CatalogConfig catalog = new CatalogConfig(
                "outage",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
        try (KafkaProducer<byte[], byte[]> producer = producer();
                FloeRuntime runtime = FloeRuntime.start(config(url, catalog), Clock.systemUTC());
                TableRows rows = new TableRows(catalog);
                DeadLetters deadLetters = new DeadLetters(broker.bootstrapServers())) {
            Pipeline pipeline = runtime.pipelines().get(0);

            // 1. the registry is up: orders land, two bad records are dead-lettered
            send(producer, OrderSamples.framed(1, 1, PER_PHASE, v1));
            Sent wrongMagic = send(producer, 0, "{\"order_id\":1}".getBytes(StandardCharsets.UTF_8));
            byte[] valid = OrderSamples.framed(9, 1_000_000, 1, v1).get(0);
            Sent corrupt = send(producer, 1, Arrays.copyOf(valid, 9));
            await("the first orders and two dead letters")
                    .pollInSameThread()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> rows.count() == PER_PHASE && deadLetters.poll().size() == 2);

            // 2. a new schema version, then the registry goes away before the pipeline has seen it
            int v2;
            try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(url))) {
                v2 = client.register(SUBJECT, RegisteredSchema.AVRO, ORDER_V2, List.of());
            }
            registry.close();
            List<byte[]> evolved = new ArrayList<>();
            for (byte[] order : OrderSamples.framed(2, PER_PHASE + 1, PER_PHASE, v1)) {
                evolved.add(asVersionTwo(order, v2));
            }
            send(producer, evolved);
            Sent unknownId = send(producer, 0, reframe(valid, UNKNOWN_ID));

            // the records wait: nothing lands, nothing is dead-lettered, the pipeline keeps running
            await("the pipeline waiting for the registry")
                    .pollInSameThread()
                    .during(Duration.ofSeconds(8))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> rows.count() == PER_PHASE
                            && deadLetters.poll().size() == 2
                            && pipeline.state() == Pipeline.State.RUNNING);

            // 3. the registry comes back on the same topic and port: the pipeline's URL works again
            registry = EmbeddedSchemaRegistry.start(registry.settings());
            assertThat(registry.url()).isEqualTo(url);
            await("every order once, and the unknown id dead-lettered")
                    .pollInSameThread()
                    .atMost(Duration.ofMinutes(3))
                    .until(() ->
                            rows.count() == 2L * PER_PHASE && deadLetters.poll().size() == 3);

            assertThat(rows.orderIds())
                    .as("each order exactly once")
                    .hasSize(2 * PER_PHASE)
                    .containsExactlyInAnyOrderElementsOf(
                            LongStream.rangeClosed(1, 2L * PER_PHASE).boxed().toList());
            Map<String, ConsumerRecord<byte[], byte[]>> byCode = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> letter : deadLetters.poll()) {
                byCode.put(header(letter, KafkaDeadLetterPublisher.HEADER_CODE), letter);
            }
            assertDeadLetter(
                    byCode.get(EngineErrorCode.NOT_WIRE_FORMAT.name()),
                    wrongMagic,
                    "its first byte is 123, not the wire format's magic byte 0");
            assertDeadLetter(byCode.get(EngineErrorCode.CORRUPT_RECORD.name()), corrupt, "schema id " + v1 + ": ");
            assertDeadLetter(
                    byCode.get(EngineErrorCode.UNKNOWN_SCHEMA.name()),
                    unknownId,
                    "unknown schema id " + UNKNOWN_ID + " (registry error code 40403)");
            assertThat(pipeline.rejected()).isEqualTo(3);
            assertThat(runtime.stop(Duration.ofSeconds(60))).isTrue();
        } finally {
            registry.close();
        }
    }

    private static void assertDeadLetter(ConsumerRecord<byte[], byte[]> letter, Sent sent, String reason) {
        assertThat(letter).as("a dead letter for the record at %s", sent).isNotNull();
        assertThat(header(letter, KafkaDeadLetterPublisher.HEADER_REASON)).contains(reason);
        assertThat(header(letter, KafkaDeadLetterPublisher.HEADER_TOPIC)).isEqualTo(TOPIC);
        assertThat(header(letter, KafkaDeadLetterPublisher.HEADER_PARTITION))
                .isEqualTo(Integer.toString(sent.partition()));
        assertThat(header(letter, KafkaDeadLetterPublisher.HEADER_OFFSET)).isEqualTo(Long.toString(sent.offset()));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * An order of version 1 as version 2 writes it: version 2 appends an optional field, and Avro
     * writes its null as the union branch index 0, one zero byte after the other fields.
     */
    private static byte[] asVersionTwo(byte[] order, int schemaId) {
        byte[] framed = reframe(order, schemaId);
        return Arrays.copyOf(framed, framed.length + 1);
    }

    /** The same payload, framed with another schema id. */
    private static byte[] reframe(byte[] framed, int schemaId) {
        byte[] copy = framed.clone();
        ByteBuffer.wrap(copy).putInt(1, schemaId);
        return copy;
    }

    private FloeConfig config(String registryUrl, CatalogConfig catalog) {
        String yaml = """
                kafka:
                  bootstrapServers: %s
                schemaRegistry:
                  url: %s
                  maxRetries: 1
                  requestTimeout: 2s
                catalog:
                  name: %s
                  type: jdbc
                  uri: %s
                  warehouse: %s
                checkpoints:
                  interval: 1s
                  storage: %s
                pipelines:
                  - id: registry-outage
                    parallelism: 2
                    source:
                      topics: [%s]
                      startFrom: earliest
                    deadLetter:
                      topic: %s
                    sink:
                      table: %s
                """.formatted(
                        broker.bootstrapServers(),
                        registryUrl,
                        catalog.name(),
                        catalog.uri(),
                        catalog.warehouse(),
                        directory.resolve("checkpoints"),
                        TOPIC,
                        DEAD_LETTER_TOPIC,
                        TABLE);
        return new ConfigLoader(Sinks.installed(), name -> null, 2).parse("registry-outage.yaml", yaml);
    }

    private void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Sends {@code values} round-robin over the partitions and waits until all are written. */
    private static void send(KafkaProducer<byte[], byte[]> producer, List<byte[]> values) {
        for (int i = 0; i < values.size(); i++) {
            producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, values.get(i)));
        }
        producer.flush();
    }

    private static Sent send(KafkaProducer<byte[], byte[]> producer, int partition, byte[] value)
            throws ExecutionException, InterruptedException {
        RecordMetadata metadata = producer.send(new ProducerRecord<>(TOPIC, partition, null, value))
                .get();
        return new Sent(metadata.partition(), metadata.offset());
    }

    /** The table as a reader sees it: rows of its current snapshot. */
    private static final class TableRows implements Closeable {
        private final Catalog catalog;

        TableRows(CatalogConfig config) {
            this.catalog = config.load();
        }

        long count() {
            Table table = load();
            if (table == null || table.currentSnapshot() == null) {
                return 0;
            }
            return Long.parseLong(
                    table.currentSnapshot().summary().getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0"));
        }

        List<Long> orderIds() throws IOException {
            List<Long> ids = new ArrayList<>();
            try (CloseableIterable<Record> records =
                    IcebergGenerics.read(load()).select("order_id").build()) {
                records.forEach(record -> ids.add((Long) record.getField("order_id")));
            }
            return ids;
        }

        private Table load() {
            try {
                return catalog.loadTable(TableIdentifier.parse(TABLE));
            } catch (NoSuchTableException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            if (catalog instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }

    /** Every committed record of the dead-letter topic, read as a consumer with read_committed sees them. */
    private static final class DeadLetters implements Closeable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        private boolean assigned;

        DeadLetters(String bootstrapServers) {
            consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrapServers,
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }

        List<ConsumerRecord<byte[], byte[]>> poll() {
            if (!assigned) {
                // the pipeline creates the topic when it starts
                List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(DEAD_LETTER_TOPIC, Duration.ofSeconds(10))
                        .forEach(info -> partitions.add(new TopicPartition(DEAD_LETTER_TOPIC, info.partition())));
                if (partitions.isEmpty()) {
                    return read;
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                assigned = true;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            return read;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
