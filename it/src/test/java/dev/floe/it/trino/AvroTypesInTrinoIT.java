package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import dev.floe.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every Avro type Floe maps, written by Apache Avro's own writer in the registry's wire format,
 * committed by Floe and read back in Trino: each value Trino returns equals the value written.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class AvroTypesInTrinoIT {
    private static final String TOPIC = "every-type";
    private static final String TABLE = "types.every_type";

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "EveryType", "namespace": "dev.floe.it", "fields": [
              {"name": "id", "type": "int"},
              {"name": "a_long", "type": "long"},
              {"name": "a_float", "type": "float"},
              {"name": "a_double", "type": "double"},
              {"name": "a_boolean", "type": "boolean"},
              {"name": "a_string", "type": "string"},
              {"name": "some_bytes", "type": "bytes"},
              {"name": "a_fixed", "type": {"type": "fixed", "name": "Four", "size": 4}},
              {"name": "an_enum", "type": {"type": "enum", "name": "Channel", "symbols": ["WEB", "MOBILE", "STORE"]}},
              {"name": "a_decimal", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 3}},
              {"name": "a_fixed_decimal", "type": {"type": "fixed", "name": "Eight", "size": 8,
                  "logicalType": "decimal", "precision": 18, "scale": 4}},
              {"name": "a_date", "type": {"type": "int", "logicalType": "date"}},
              {"name": "a_time_millis", "type": {"type": "int", "logicalType": "time-millis"}},
              {"name": "a_time_micros", "type": {"type": "long", "logicalType": "time-micros"}},
              {"name": "a_timestamp_millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "a_timestamp_micros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "a_local_timestamp", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
              {"name": "a_uuid", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                  {"name": "street", "type": "string"},
                  {"name": "zip", "type": ["null", "int"], "default": null}]}},
              {"name": "numbers", "type": {"type": "array", "items": "long"}},
              {"name": "counts", "type": {"type": "map", "values": "int"}},
              {"name": "maybe_string", "type": ["null", "string"], "default": null},
              {"name": "maybe_long", "type": ["null", "long"], "default": null},
              {"name": "maybe_address", "type": ["null", "Address"], "default": null}
            ]}
            """);

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    AvroTypesInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    /** One record's values, as written and as Trino must give them back. */
    private record Sample(
            int id,
            long aLong,
            float aFloat,
            double aDouble,
            boolean aBoolean,
            String aString,
            byte[] someBytes,
            byte[] aFixed,
            String anEnum,
            BigDecimal aDecimal,
            BigDecimal aFixedDecimal,
            LocalDate aDate,
            LocalTime aTimeMillis,
            LocalTime aTimeMicros,
            Instant aTimestampMillis,
            Instant aTimestampMicros,
            LocalDateTime aLocalTimestamp,
            UUID aUuid,
            String street,
            Integer zip,
            List<Long> numbers,
            Map<String, Integer> counts,
            String maybeString,
            Long maybeLong,
            String maybeStreet) {}

    private static final List<Sample> SAMPLES = List.of(
            new Sample(
                    1,
                    Long.MAX_VALUE,
                    1.5f,
                    -2.25e300,
                    true,
                    "Grüße, 世界 🌊",
                    new byte[] {0, 1, (byte) 0xff, 127},
                    new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef},
                    "MOBILE",
                    new BigDecimal("-123456789.012"),
                    new BigDecimal("12345678901234.5678"),
                    LocalDate.of(2026, 2, 28),
                    LocalTime.of(23, 59, 59, 999_000_000),
                    LocalTime.of(12, 34, 56, 789_012_000),
                    Instant.parse("2026-01-02T03:04:05.678Z"),
                    Instant.parse("1969-12-31T23:59:59.999999Z"),
                    LocalDateTime.of(2026, 6, 30, 18, 0, 0, 123_456_000),
                    UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"),
                    "Hauptstraße 1",
                    10115,
                    List.of(1L, -2L, Long.MIN_VALUE),
                    orderedMap("a", 1, "b", -2),
                    "present",
                    42L,
                    "Side street 9"),
            new Sample(
                    2,
                    Long.MIN_VALUE,
                    -0.0f,
                    Double.MIN_VALUE,
                    false,
                    "",
                    new byte[0],
                    new byte[] {0, 0, 0, 0},
                    "WEB",
                    BigDecimal.ZERO.setScale(3),
                    new BigDecimal("-0.0001"),
                    LocalDate.of(1970, 1, 1),
                    LocalTime.MIDNIGHT,
                    LocalTime.MIDNIGHT,
                    Instant.EPOCH,
                    Instant.parse("2262-04-11T23:47:16.854775Z"),
                    LocalDateTime.of(1900, 1, 1, 0, 0),
                    UUID.fromString("00000000-0000-0000-0000-000000000000"),
                    "",
                    null,
                    List.of(),
                    Map.of(),
                    null,
                    null,
                    null));

    private static Map<String, Integer> orderedMap(String k1, int v1, String k2, int v2) {
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    private static GenericRecord record(Sample sample) {
        Conversions.DecimalConversion decimals = new Conversions.DecimalConversion();
        GenericData.Record record = new GenericData.Record(SCHEMA);
        record.put("id", sample.id());
        record.put("a_long", sample.aLong());
        record.put("a_float", sample.aFloat());
        record.put("a_double", sample.aDouble());
        record.put("a_boolean", sample.aBoolean());
        record.put("a_string", sample.aString());
        record.put("some_bytes", ByteBuffer.wrap(sample.someBytes()));
        record.put("a_fixed", new GenericData.Fixed(SCHEMA.getField("a_fixed").schema(), sample.aFixed()));
        record.put(
                "an_enum", new GenericData.EnumSymbol(SCHEMA.getField("an_enum").schema(), sample.anEnum()));
        Schema decimal = SCHEMA.getField("a_decimal").schema();
        record.put("a_decimal", decimals.toBytes(sample.aDecimal(), decimal, decimal.getLogicalType()));
        Schema fixedDecimal = SCHEMA.getField("a_fixed_decimal").schema();
        record.put(
                "a_fixed_decimal",
                decimals.toFixed(sample.aFixedDecimal(), fixedDecimal, fixedDecimal.getLogicalType()));
        record.put("a_date", (int) sample.aDate().toEpochDay());
        record.put("a_time_millis", (int) (sample.aTimeMillis().toNanoOfDay() / 1_000_000));
        record.put("a_time_micros", sample.aTimeMicros().toNanoOfDay() / 1_000);
        record.put("a_timestamp_millis", sample.aTimestampMillis().toEpochMilli());
        record.put("a_timestamp_micros", ChronoUnit.MICROS.between(Instant.EPOCH, sample.aTimestampMicros()));
        record.put(
                "a_local_timestamp",
                ChronoUnit.MICROS.between(
                        Instant.EPOCH, sample.aLocalTimestamp().toInstant(ZoneOffset.UTC)));
        record.put("a_uuid", sample.aUuid().toString());
        Schema addressSchema = SCHEMA.getField("address").schema();
        GenericData.Record address = new GenericData.Record(addressSchema);
        address.put("street", sample.street());
        address.put("zip", sample.zip());
        record.put("address", address);
        record.put("numbers", sample.numbers());
        record.put("counts", sample.counts());
        record.put("maybe_string", sample.maybeString());
        record.put("maybe_long", sample.maybeLong());
        if (sample.maybeStreet() != null) {
            GenericData.Record other = new GenericData.Record(addressSchema);
            other.put("street", sample.maybeStreet());
            other.put("zip", null);
            record.put("maybe_address", other);
        }
        return record;
    }

    private void produce(int schemaId) throws Exception {
        // as many partitions as the pipeline has subtasks
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(SCHEMA);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Sample sample : SAMPLES) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
                writer.write(record(sample), encoder);
                encoder.flush();
                producer.send(new ProducerRecord<>(
                        TOPIC,
                        Integer.toString(sample.id()).getBytes(StandardCharsets.UTF_8),
                        WireFormat.frame(schemaId, bytes.toByteArray())));
            }
            producer.flush();
        }
    }

    @Test
    void everyMappedAvroTypeReadsBackInTrinoAsWritten() throws Exception {
        TrinoServer trino = servers.trino();
        int schemaId;
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url()))) {
            schemaId = client.register(TOPIC + "-value", "AVRO", SCHEMA.toString(), List.of());
        }
        produce(schemaId);
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_types", servers.postgres(), servers.s3Proxy(), "s3://warehouse/types");
        lakehouse.ingest(
                Lakehouse.parse(
                        lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), "types", TOPIC, TABLE, "")),
                TABLE,
                SAMPLES.size());
        lakehouse.registerIn(trino);

        List<String> columns = List.of(
                "a_long",
                "a_float",
                "a_double",
                "a_boolean",
                "a_string",
                "some_bytes",
                "a_fixed",
                "an_enum",
                "a_decimal",
                "a_fixed_decimal",
                "CAST(a_date AS varchar)",
                "CAST(a_time_millis AS varchar)",
                "CAST(a_time_micros AS varchar)",
                "CAST(a_timestamp_millis AS varchar)",
                "CAST(a_timestamp_micros AS varchar)",
                "CAST(a_local_timestamp AS varchar)",
                "CAST(a_uuid AS varchar)",
                "address.street",
                "address.zip",
                "json_format(CAST(numbers AS json))",
                "json_format(CAST(counts AS json))",
                "maybe_string",
                "maybe_long",
                "maybe_address.street");
        List<List<Object>> rows = Lakehouse.query(
                trino,
                "SELECT " + String.join(", ", columns) + " FROM " + lakehouse.trinoCatalog() + "." + TABLE
                        + " ORDER BY id");

        assertThat(rows).hasSize(SAMPLES.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            Sample sample = SAMPLES.get(i);
            List<Object> expected = new ArrayList<>(List.of(
                    sample.aLong(),
                    sample.aFloat(),
                    sample.aDouble(),
                    sample.aBoolean(),
                    sample.aString(),
                    sample.someBytes(),
                    sample.aFixed(),
                    sample.anEnum(),
                    sample.aDecimal(),
                    sample.aFixedDecimal(),
                    sample.aDate().toString(),
                    timeText(sample.aTimeMillis()),
                    timeText(sample.aTimeMicros()),
                    timestampText(LocalDateTime.ofInstant(sample.aTimestampMillis(), ZoneOffset.UTC)) + " UTC",
                    timestampText(LocalDateTime.ofInstant(sample.aTimestampMicros(), ZoneOffset.UTC)) + " UTC",
                    timestampText(sample.aLocalTimestamp()),
                    sample.aUuid().toString(),
                    sample.street()));
            expected.add(sample.zip());
            expected.add(json(sample.numbers()));
            expected.add(json(sample.counts()));
            expected.add(sample.maybeString());
            expected.add(sample.maybeLong());
            expected.add(sample.maybeStreet());
            List<Object> actual = rows.get(i);
            for (int column = 0; column < columns.size(); column++) {
                assertThat(actual.get(column))
                        .as("%s of record %d", columns.get(column), sample.id())
                        .isEqualTo(expected.get(column));
            }
        }
    }

    /** Trino's text of a time(6): HH:mm:ss.ffffff. */
    private static String timeText(LocalTime time) {
        return String.format(
                "%02d:%02d:%02d.%06d", time.getHour(), time.getMinute(), time.getSecond(), time.getNano() / 1_000);
    }

    /** Trino's text of a timestamp(6): yyyy-MM-dd HH:mm:ss.ffffff. */
    private static String timestampText(LocalDateTime time) {
        return time.toLocalDate() + " " + timeText(time.toLocalTime());
    }

    private static String json(List<Long> numbers) {
        return numbers.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    private static String json(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .map(entry -> "\"" + entry.getKey() + "\":" + entry.getValue())
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }
}
