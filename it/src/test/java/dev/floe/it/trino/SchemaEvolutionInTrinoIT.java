package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.deadletter.KafkaDeadLetterPublisher;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import dev.floe.registry.CompatibilityLevel;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import dev.floe.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A topic whose producers move to a wider schema registered in the real registry while an older
 * producer goes on: Floe evolves the table (a new column, int to long, float to double, a decimal's
 * precision past 18 digits) and Trino reads the rows of both schemas; records of a schema that
 * retypes a column go to the dead-letter topic, naming the schema id, the column and the table.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class SchemaEvolutionInTrinoIT {
    private static final String TOPIC = "evolving";
    private static final String SUBJECT = TOPIC + "-value";
    private static final String TABLE = "evolve.events";
    private static final String PIPELINE = "evolving-schema";

    private static final Schema V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "Event", "namespace": "dev.floe.it", "fields": [
              {"name": "id", "type": "int"},
              {"name": "price", "type": "float"},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "name", "type": "string"}
            ]}
            """);

    private static final Schema V2 = new Schema.Parser().parse("""
            {"type": "record", "name": "Event", "namespace": "dev.floe.it", "fields": [
              {"name": "id", "type": "long"},
              {"name": "price", "type": "double"},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 20, "scale": 2}},
              {"name": "name", "type": "string"},
              {"name": "note", "type": ["null", "string"], "default": null}
            ]}
            """);

    private static final Schema RETYPED = new Schema.Parser().parse("""
            {"type": "record", "name": "Event", "namespace": "dev.floe.it", "fields": [
              {"name": "id", "type": "string"},
              {"name": "name", "type": "string"}
            ]}
            """);

    private static final long WIDE_ID = 5_000_000_000L;
    private static final BigDecimal WIDE_AMOUNT = new BigDecimal("123456789012345678.90");

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    SchemaEvolutionInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    @Test
    void theTableEvolvesWithTheRegistrysSchemasAndTrinoReadsOldAndNewRows() throws Exception {
        int v1;
        int v2;
        int retyped;
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url()))) {
            v1 = client.register(SUBJECT, "AVRO", V1.toString(), List.of());
            // backward compatible: the registry accepts it under its default level
            v2 = client.register(SUBJECT, "AVRO", V2.toString(), List.of());
            client.setSubjectCompatibility(SUBJECT, CompatibilityLevel.NONE);
            retyped = client.register(SUBJECT, "AVRO", RETYPED.toString(), List.of());
        }
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            records.add(framed(v1, V1, i, record -> fillV1(record, record.getSchema(), recordId(record))));
        }
        for (int i = 0; i < 60; i++) {
            long id = WIDE_ID + i;
            records.add(framed(v2, V2, (int) id, record -> {
                record.put("id", id);
                record.put("price", 1e300);
                record.put("amount", decimal(V2, WIDE_AMOUNT));
                record.put("name", "wide " + id);
                record.put("note", id % 2 == 0 ? "note " + id : null);
            }));
        }
        for (int i = 0; i < 4; i++) {
            int key = i;
            records.add(framed(retyped, RETYPED, key, record -> {
                record.put("id", "not a number " + key);
                record.put("name", "retyped");
            }));
        }
        // an older producer goes on with the first schema after the table widened
        for (int i = 60; i < 90; i++) {
            records.add(framed(v1, V1, i, record -> fillV1(record, record.getSchema(), recordId(record))));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
        }

        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_evolve", servers.postgres(), servers.s3Mock(), "s3://warehouse/evolve");
        lakehouse.ingest(
                Lakehouse.parse(
                        lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), PIPELINE, TOPIC, TABLE, "")),
                TABLE,
                150);
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String table = lakehouse.trinoCatalog() + "." + TABLE;

        assertThat(Lakehouse.query(
                        trino,
                        "SELECT column_name, data_type FROM " + lakehouse.trinoCatalog()
                                + ".information_schema.columns WHERE table_schema = 'evolve' AND table_name = 'events'"
                                + " ORDER BY ordinal_position"))
                .containsExactly(
                        List.of("id", "bigint"),
                        List.of("price", "double"),
                        List.of("amount", "decimal(20,2)"),
                        List.of("name", "varchar"),
                        List.of("note", "varchar"));

        long v1Ids = 89L * 90 / 2;
        long v2Ids = 60 * WIDE_ID + 59L * 60 / 2;
        BigDecimal v1Amounts = BigDecimal.ZERO;
        for (int i = 0; i < 90; i++) {
            v1Amounts = v1Amounts.add(amountOf(i));
        }
        List<List<Object>> totals = Lakehouse.query(
                trino, "SELECT count(*), count(note), sum(id), sum(amount), count_if(price > 1e299) FROM " + table);
        assertThat(totals).hasSize(1);
        assertThat(totals.get(0).get(0)).isEqualTo(150L);
        assertThat(totals.get(0).get(1)).isEqualTo(30L);
        assertThat(totals.get(0).get(2)).isEqualTo(v1Ids + v2Ids);
        assertThat((BigDecimal) totals.get(0).get(3))
                .isEqualByComparingTo(v1Amounts.add(WIDE_AMOUNT.multiply(BigDecimal.valueOf(60))));
        assertThat(totals.get(0).get(4)).isEqualTo(60L);

        assertThat(Lakehouse.query(
                        trino,
                        "SELECT id, price, amount, name, note FROM " + table + " WHERE id IN (7, 75, " + (WIDE_ID + 8)
                                + ") ORDER BY id"))
                .containsExactly(
                        Arrays.asList(7L, 7.5d, amountOf(7), "name 7", null),
                        Arrays.asList(75L, 75.5d, amountOf(75), "name 75", null),
                        Arrays.asList(
                                WIDE_ID + 8, 1e300, WIDE_AMOUNT, "wide " + (WIDE_ID + 8), "note " + (WIDE_ID + 8)));

        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters(PIPELINE + ".dead-letters", 4);
        assertThat(letters).hasSize(4).allSatisfy(letter -> {
            assertThat(header(letter, KafkaDeadLetterPublisher.HEADER_TOPIC)).isEqualTo(TOPIC);
            assertThat(header(letter, KafkaDeadLetterPublisher.HEADER_CODE)).isEqualTo("SCHEMA_INCOMPATIBLE");
            assertThat(header(letter, KafkaDeadLetterPublisher.HEADER_REASON))
                    .isEqualTo("schema id " + retyped + ": Cannot evolve table " + TABLE + " for the records: column"
                            + " 'id' is long in the table and string in the records' schema (a column only widens int"
                            + " to long, float to double, a decimal's precision at the same scale, or becomes"
                            + " optional)");
        });
    }

    private static int recordId(GenericRecord record) {
        return (Integer) record.get("id");
    }

    private static void fillV1(GenericRecord record, Schema schema, int id) {
        record.put("price", id + 0.5f);
        record.put("amount", decimal(schema, amountOf(id)));
        record.put("name", "name " + id);
    }

    private static BigDecimal amountOf(int id) {
        return new BigDecimal(id + ".25");
    }

    private static Object decimal(Schema schema, BigDecimal value) {
        Schema amount = schema.getField("amount").schema();
        return new Conversions.DecimalConversion().toBytes(value, amount, amount.getLogicalType());
    }

    private static ProducerRecord<byte[], byte[]> framed(
            int schemaId, Schema schema, int id, Consumer<GenericRecord> fill) {
        GenericRecord record = new GenericData.Record(schema);
        if (schema.getField("id").schema().getType() == Schema.Type.INT) {
            record.put("id", id);
        }
        fill.accept(record);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProducerRecord<>(
                TOPIC,
                Math.floorMod(id, 2),
                Integer.toString(id).getBytes(StandardCharsets.UTF_8),
                WireFormat.frame(schemaId, bytes.toByteArray()));
    }

    /** The committed records of the dead-letter topic, waiting up to a minute for {@code expected}. */
    private List<ConsumerRecord<byte[], byte[]>> deadLetters(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (read.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(read::add);
            }
            // anything more would be a duplicate
            consumer.poll(Duration.ofSeconds(1)).forEach(read::add);
        }
        return read;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
