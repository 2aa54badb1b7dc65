package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.it.exactlyonce.FloeProcess;
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
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upsert table: 20,000 keys get inserts, updates and deletes over several checkpoints, while a
 * Floe process is SIGKILLed and restarted in the middle; Trino then sees exactly one row per live
 * key, holding the key's last value, and none of the deleted keys.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class UpsertTableInTrinoIT {
    private static final String TOPIC = "upserts";
    private static final String TABLE = "upsert.latest";
    private static final String PIPELINE = "upserting";
    private static final int KEYS = 20_000;

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
    /** What the table must show once every change produced so far is in: each live key's last value. */
    private final Map<Long, Long> expected = new TreeMap<>();

    private int schemaId;

    UpsertTableInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    @Test
    void trinoSeesEachKeysLastValueAfterUpdatesDeletesAndAKill() throws Exception {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url()))) {
            schemaId = client.register(TOPIC + "-value", "AVRO", CHANGE.toString(), List.of());
        }
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_upsert", servers.postgres(), servers.s3Mock(), "s3://warehouse/upsert");
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Path config = Files.createTempDirectory("floe-upsert").resolve("floe.yaml");
        Files.writeString(
                config,
                lakehouse.floeYaml(
                        broker.bootstrapServers(),
                        registry.url(),
                        PIPELINE,
                        TOPIC,
                        TABLE,
                        "      mode: upsert\n      identifierFields: [id]\n      deleteWhen: op = D\n"));
        TableProbe probe = new TableProbe(lakehouse.floe(), TABLE);
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String table = lakehouse.trinoCatalog() + "." + TABLE;

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            try (FloeProcess floe = FloeProcess.run(config, Map.of(), "upsert-1")) {
                // every key inserted
                for (long id = 0; id < KEYS; id++) {
                    change(producer, id, id, "I");
                }
                producer.flush();
                await().atMost(Duration.ofMinutes(3))
                        .ignoreExceptions()
                        .until(() -> probe.committedCheckpoint(PIPELINE) >= 2);
                // a third updated, a fifth deleted, then deleted keys come back and a seventh changes twice
                for (long id = 0; id < KEYS; id++) {
                    if (id % 3 == 0) {
                        change(producer, id, id + 1_000_000, "I");
                    }
                    if (id % 5 == 0) {
                        change(producer, id, 0, "D");
                    }
                }
                for (long id = 0; id < KEYS; id++) {
                    if (id % 10 == 0) {
                        change(producer, id, id + 2_000_000, "I");
                    }
                    if (id % 7 == 0) {
                        change(producer, id, id + 3_000_000, "U");
                        change(producer, id, id + 4_000_000, "U");
                    }
                }
                producer.flush();
                long before = probe.committedCheckpoint(PIPELINE);
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> probe.committedCheckpoint(PIPELINE) > before);
                // killed mid-stream: whatever is not committed is read again after the restart
                floe.kill();
            }
            // more deletes while Floe is down
            for (long id = 0; id < KEYS; id++) {
                if (id % 11 == 0) {
                    change(producer, id, 0, "D");
                }
            }
            producer.flush();
        }

        try (FloeProcess floe = FloeProcess.run(config, Map.of(), "upsert-2")) {
            long sum = expected.values().stream().mapToLong(Long::longValue).sum();
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions()
                    .until(() -> Lakehouse.query(trino, "SELECT count(*), sum(value) FROM " + table)
                            .get(0)
                            .equals(List.of((long) expected.size(), sum)));
            assertThat(floe.stop())
                    .as("a clean stop exits 0; see " + floe.log())
                    .isZero();
        }

        Map<Long, Long> seen = new TreeMap<>();
        for (List<Object> row : Lakehouse.query(trino, "SELECT id, value FROM " + table)) {
            assertThat(seen.put((Long) row.get(0), (Long) row.get(1)))
                    .as("a second row of key %s", row.get(0))
                    .isNull();
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(Lakehouse.query(trino, "SELECT count(*) FROM " + table + " WHERE op = 'D'"))
                .containsExactly(List.of(0L));
        assertThat(probe.summaries())
                .filteredOn(summary -> summary.containsKey("floe.checkpoint-id"))
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(summary -> assertThat(summary).containsEntry("floe.pipeline", PIPELINE));
        assertThat(lakehouse.loadTable(TABLE).schema().identifierFieldNames()).containsExactly("id");
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
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
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
