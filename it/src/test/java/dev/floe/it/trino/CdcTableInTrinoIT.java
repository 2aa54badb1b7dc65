package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.it.exactlyonce.FloeProcess;
import dev.floe.it.exactlyonce.SourceTruth;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Debezium-shaped change stream over 100,000 keys (snapshot reads, creates, updates, deletes
 * each followed by a tombstone, bursts of changes of one key, tombstones alone) with Avro envelopes
 * and Avro keys from the schema registry: Trino then sees exactly the final state the test computes
 * by applying the same changes itself, and records Floe cannot apply are dead letters saying why.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class CdcTableInTrinoIT {
    private static final String TOPIC = "shop.public.customers";
    private static final String TABLE = "cdc.customers";
    private static final String PIPELINE = "customers-cdc";
    private static final int KEYS = 100_000;

    private static final Schema KEY = new Schema.Parser().parse("""
            {"type": "record", "name": "Key", "namespace": "shop.public.customers", "fields": [
              {"name": "id", "type": "long"}
            ]}
            """);
    private static final Schema VALUE = new Schema.Parser().parse("""
            {"type": "record", "name": "Value", "namespace": "shop.public.customers", "fields": [
              {"name": "id", "type": "long"},
              {"name": "name", "type": "string"},
              {"name": "balance", "type": "long"}
            ]}
            """);
    private static final Schema ENVELOPE = new Schema.Parser().parse("""
            {"type": "record", "name": "Envelope", "namespace": "shop.public.customers", "fields": [
              {"name": "before", "type": ["null", %s], "default": null},
              {"name": "after", "type": ["null", "Value"], "default": null},
              {"name": "source", "type": {"type": "record", "name": "Source", "namespace": "io.debezium.connector.postgresql",
                "fields": [
                  {"name": "version", "type": "string"},
                  {"name": "connector", "type": "string"},
                  {"name": "name", "type": "string"},
                  {"name": "ts_ms", "type": "long"},
                  {"name": "db", "type": "string"},
                  {"name": "schema", "type": "string"},
                  {"name": "table", "type": "string"},
                  {"name": "lsn", "type": ["null", "long"], "default": null}
                ]}},
              {"name": "op", "type": "string"},
              {"name": "ts_ms", "type": ["null", "long"], "default": null},
              {"name": "transaction", "type": ["null", {"type": "record", "name": "block",
                "namespace": "event", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "total_order", "type": "long"},
                  {"name": "data_collection_order", "type": "long"}
                ]}], "default": null}
            ]}
            """.formatted(VALUE.toString()));

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;
    /** The final state, computed here by applying each change as it is produced. */
    private final Map<Long, Customer> expected = new TreeMap<>();

    private int keySchemaId;
    private int valueSchemaId;
    private long lsn;

    CdcTableInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    private record Customer(long id, String name, long balance) {}

    @Test
    void trinoSeesTheFinalStateOfADebeziumStreamWithDeletesAndTombstones() throws Exception {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url()))) {
            keySchemaId = client.register(TOPIC + "-key", "AVRO", KEY.toString(), List.of());
            valueSchemaId = client.register(TOPIC + "-value", "AVRO", ENVELOPE.toString(), List.of());
        }
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        Lakehouse lakehouse = Lakehouse.jdbc("floe_cdc", servers.postgres(), servers.s3Mock(), "s3://warehouse/cdc");
        lakehouse.store().createBucket(Lakehouse.CHECKPOINT_BUCKET);
        Path config = Files.createTempDirectory("floe-cdc").resolve("floe.yaml");
        String yaml = lakehouse.floeYaml(
                broker.bootstrapServers(),
                registry.url(),
                PIPELINE,
                TOPIC,
                TABLE,
                "      mode: upsert\n      identifierFields: [id]\n");
        Files.writeString(
                config, yaml.replace("startFrom: earliest\n", "startFrom: earliest\n      format: debezium\n"));
        TableProbe probe = new TableProbe(lakehouse.floe(), TABLE);
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String table = lakehouse.trinoCatalog() + "." + TABLE;

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
                FloeProcess floe = FloeProcess.run(config, Map.of(), "cdc")) {
            // the initial snapshot of every key
            for (long id = 0; id < KEYS; id++) {
                change(producer, "r", null, customer(id, "snapshot", id));
            }
            producer.flush();
            await().atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .until(() -> probe.committedCheckpoint(PIPELINE) >= 1);
            // updates, deletes with their tombstones, keys created again, and bursts of one key
            for (long id = 0; id < KEYS; id++) {
                if (id % 3 == 0) {
                    update(producer, id, "updated", id * 2);
                }
                if (id % 5 == 0) {
                    delete(producer, id);
                }
            }
            for (long id = 0; id < KEYS; id++) {
                if (id % 10 == 0) {
                    change(producer, "c", null, customer(id, "recreated", -id));
                }
                if (id % 7 == 0) {
                    // insert-update-delete-insert back to back: one checkpoint mostly holds all of it
                    update(producer, id, "burst-1", 1);
                    delete(producer, id);
                    change(producer, "c", null, customer(id, "burst-2", 2));
                    update(producer, id, "burst-3", 3);
                }
                if (id % 13 == 0) {
                    // a tombstone alone, as after log compaction dropped the delete event
                    tombstone(producer, id);
                }
            }
            // what Floe cannot apply: an unknown op, an update without its after row
            send(producer, 1, event("x", null, customer(1, "unknown", 0)));
            send(producer, 2, event("u", customer(2, "no-after", 0), null));
            producer.send(new ProducerRecord<>(TOPIC, 1, "3".getBytes(StandardCharsets.UTF_8), null));
            producer.flush();

            long rows = expected.size();
            long checksum = expected.values().stream()
                    .mapToLong(CdcTableInTrinoIT::checksum)
                    .sum();
            String query = "SELECT count(*), sum(crc32(to_utf8(cast(id AS varchar) || '|' || name || '|'"
                    + " || cast(balance AS varchar)))) FROM " + table;
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions()
                    .until(() -> Lakehouse.query(trino, query).get(0).equals(List.of(rows, checksum)));
            assertThat(floe.stop())
                    .as("a clean stop exits 0; see " + floe.log())
                    .isZero();
        }

        Map<Long, Customer> seen = new TreeMap<>();
        for (List<Object> row : Lakehouse.query(trino, "SELECT id, name, balance FROM " + table)) {
            Customer customer = new Customer((Long) row.get(0), (String) row.get(1), (Long) row.get(2));
            assertThat(seen.put(customer.id(), customer))
                    .as("a second row of key %s", customer.id())
                    .isNull();
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(lakehouse.loadTable(TABLE).schema().columns())
                .as("the table has the row's columns, not the envelope's")
                .extracting(Types.NestedField::name)
                .containsExactly("id", "name", "balance");
        assertThat(lakehouse.loadTable(TABLE).schema().identifierFieldNames()).containsExactly("id");

        List<ConsumerRecord<ByteBuffer, ByteBuffer>> letters =
                SourceTruth.readAll(broker.bootstrapServers(), PIPELINE + ".dead-letters");
        assertThat(letters)
                .extracting(letter -> header(letter, "floe.error.code") + ": " + header(letter, "floe.error.reason"))
                .containsExactlyInAnyOrder(
                        "CHANGE_EVENT_INVALID: schema id " + valueSchemaId + ": Debezium change event: unknown op 'x'"
                                + " (Floe applies c, r, u and d)",
                        "CHANGE_EVENT_INVALID: schema id " + valueSchemaId + ": Debezium change event: op 'u' has a"
                                + " null 'after': there is no row to write",
                        "TOMBSTONE_KEY_INVALID: the tombstone's key is not a Confluent-framed Avro record, so it"
                                + " cannot say what to delete: Cannot read the schema id of a payload of 1 bytes: the wire-format"
                                + " header alone has 5");
        assertThat(letters)
                .allSatisfy(letter ->
                        assertThat(header(letter, "floe.source.topic")).isEqualTo(TOPIC));
    }

    private static long checksum(Customer customer) {
        CRC32 crc = new CRC32();
        crc.update((customer.id() + "|" + customer.name() + "|" + customer.balance()).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static GenericRecord customer(long id, String name, long balance) {
        GenericRecord record = new GenericData.Record(VALUE);
        record.put("id", id);
        record.put("name", name + "-" + id);
        record.put("balance", balance);
        return record;
    }

    private void update(KafkaProducer<byte[], byte[]> producer, long id, String name, long balance) {
        Customer before = expected.get(id);
        change(
                producer,
                "u",
                before == null ? null : customer(id, "old", before.balance()),
                customer(id, name, balance));
    }

    /** A delete event, then its tombstone, as Debezium sends them. */
    private void delete(KafkaProducer<byte[], byte[]> producer, long id) {
        GenericRecord before = customer(id, "gone", 0);
        change(producer, "d", before, null);
        tombstone(producer, id);
    }

    private void tombstone(KafkaProducer<byte[], byte[]> producer, long id) {
        send(producer, id, null);
        expected.remove(id);
    }

    /** Produces one change event of the key and applies it to the expected state. */
    private void change(KafkaProducer<byte[], byte[]> producer, String op, GenericRecord before, GenericRecord after) {
        long id = (Long) (after != null ? after : before).get("id");
        send(producer, id, event(op, before, after));
        if (op.equals("d")) {
            expected.remove(id);
        } else {
            expected.put(id, new Customer(id, after.get("name").toString(), (Long) after.get("balance")));
        }
    }

    private byte[] event(String op, GenericRecord before, GenericRecord after) {
        GenericRecord source =
                new GenericData.Record(ENVELOPE.getField("source").schema());
        source.put("version", "3.1.0.Final");
        source.put("connector", "postgresql");
        source.put("name", "shop");
        source.put("ts_ms", 1_763_800_000_000L + lsn);
        source.put("db", "shop");
        source.put("schema", "public");
        source.put("table", "customers");
        source.put("lsn", lsn++);
        GenericRecord event = new GenericData.Record(ENVELOPE);
        event.put("before", before);
        event.put("after", after);
        event.put("source", source);
        event.put("op", op);
        event.put("ts_ms", 1_763_800_000_500L + lsn);
        event.put("transaction", null);
        return WireFormat.frame(valueSchemaId, encode(ENVELOPE, event));
    }

    /** Sends to the key's partition, keyed by the Avro key record as Debezium keys its events. */
    private void send(KafkaProducer<byte[], byte[]> producer, long id, byte[] value) {
        GenericRecord key = new GenericData.Record(KEY);
        key.put("id", id);
        producer.send(
                new ProducerRecord<>(TOPIC, (int) (id % 2), WireFormat.frame(keySchemaId, encode(KEY, key)), value));
    }

    private static byte[] encode(Schema schema, GenericRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
