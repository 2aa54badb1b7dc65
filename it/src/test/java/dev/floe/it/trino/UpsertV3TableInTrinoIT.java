package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import dev.floe.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upsert table created with {@code formatVersion: 3}: keys inserted, then updated and deleted
 * in later checkpoints; Trino reads the v3 table (its equality deletes) as exactly each live key's
 * last value, and the table holds no position delete files (which v3 accepts only as deletion
 * vectors).
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class UpsertV3TableInTrinoIT {
    private static final String TOPIC = "upserts-v3";
    private static final String TABLE = "upsert_v3.latest";
    private static final String PIPELINE = "upserting-v3";
    private static final int KEYS = 2_000;

    private static final Schema CHANGE = new Schema.Parser().parse("""
            {"type": "record", "name": "Change", "namespace": "dev.floe.it", "fields": [
              {"name": "id", "type": "long"},
              {"name": "value", "type": "long"},
              {"name": "op", "type": "string"}
            ]}
            """);

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;
    /** Each live key's last value, as the table must show it. */
    private final Map<Long, Long> expected = new TreeMap<>();

    private int schemaId;

    UpsertV3TableInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    @Test
    void trinoReadsAFormatVersion3UpsertTableAsEachKeysLastValue() throws Exception {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url()))) {
            schemaId = client.register(TOPIC + "-value", "AVRO", CHANGE.toString(), List.of());
        }
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_upsert_v3", servers.postgres(), servers.s3Mock(), "s3://warehouse/upsert-v3");
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        String yaml = lakehouse.floeYaml(
                broker.bootstrapServers(),
                registry.url(),
                PIPELINE,
                TOPIC,
                TABLE,
                "      formatVersion: 3\n      mode: upsert\n      identifierFields: [id]\n      deleteWhen: op = D\n");
        TableProbe probe = new TableProbe(lakehouse.floe(), TABLE);
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String table = lakehouse.trinoCatalog() + "." + TABLE;

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
                FloeRuntime runtime = FloeRuntime.start(Lakehouse.parse(yaml), Clock.systemUTC())) {
            for (long id = 0; id < KEYS; id++) {
                change(producer, id, id, "I");
            }
            producer.flush();
            await().atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .failFast("a pipeline failed", () -> failed(runtime))
                    .until(() -> Lakehouse.committedRows(lakehouse.floe().load(), TABLE) == KEYS);
            long inserted = probe.committedCheckpoint(PIPELINE);
            // keys of earlier checkpoints updated and deleted; some deleted then inserted again
            for (long id = 0; id < KEYS; id++) {
                if (id % 3 == 0) {
                    change(producer, id, id + 1_000_000, "U");
                }
                if (id % 5 == 0) {
                    change(producer, id, 0, "D");
                }
                if (id % 10 == 0) {
                    change(producer, id, id + 2_000_000, "I");
                }
            }
            producer.flush();
            long sum = expected.values().stream().mapToLong(Long::longValue).sum();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .failFast("a pipeline failed", () -> failed(runtime))
                    .until(() -> probe.committedCheckpoint(PIPELINE) > inserted
                            && Lakehouse.query(trino, "SELECT count(*), sum(value) FROM " + table)
                                    .get(0)
                                    .equals(List.of((long) expected.size(), sum)));
            runtime.stop(Duration.ofSeconds(60));
        }

        Map<Long, Long> seen = new TreeMap<>();
        for (List<Object> row : Lakehouse.query(trino, "SELECT id, value FROM " + table)) {
            assertThat(seen.put((Long) row.get(0), (Long) row.get(1)))
                    .as("a second row of key %s", row.get(0))
                    .isNull();
        }
        assertThat(seen).isEqualTo(expected);
        Table loaded = lakehouse.loadTable(TABLE);
        assertThat(((HasTableOperations) loaded).operations().current().formatVersion())
                .isEqualTo(3);
        // file content: 0 data, 1 position deletes (or deletion vectors), 2 equality deletes
        List<List<Object>> contents = Lakehouse.query(
                trino,
                "SELECT DISTINCT content FROM " + lakehouse.trinoCatalog() + ".upsert_v3.\"latest$files\""
                        + " ORDER BY content");
        assertThat(contents).containsExactly(List.of(0), List.of(2));
    }

    private static boolean failed(FloeRuntime runtime) {
        return runtime.pipelines().stream().anyMatch(pipeline -> pipeline.state() == Pipeline.State.FAILED);
    }

    /** Produces one change of key {@code id} to its own partition, and applies it to the expectation. */
    private void change(KafkaProducer<byte[], byte[]> producer, long id, long value, String op) {
        GenericRecord record = new GenericData.Record(CHANGE);
        record.put("id", id);
        record.put("value", value);
        record.put("op", op);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<GenericRecord>(CHANGE).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        producer.send(new ProducerRecord<>(
                TOPIC,
                (int) (id % 2),
                Long.toString(id).getBytes(StandardCharsets.UTF_8),
                WireFormat.frame(schemaId, bytes.toByteArray())));
        if (op.equals("D")) {
            expected.remove(id);
        } else {
            expected.put(id, value);
        }
    }
}
