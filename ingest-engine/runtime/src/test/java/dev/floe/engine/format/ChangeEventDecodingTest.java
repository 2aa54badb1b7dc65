package dev.floe.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowKind;
import dev.floe.engine.spi.row.RowType;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Debezium change events and Kafka tombstones decoded into rows to write and keys to delete. */
class ChangeEventDecodingTest {
    private static final Schema VALUE = AvroRecords.parse("""
            {"type": "record", "name": "Value", "namespace": "shop.public.customers", "fields": [
              {"name": "id", "type": "long"},
              {"name": "name", "type": "string"},
              {"name": "balance", "type": ["null", "double"], "default": null}
            ]}
            """);
    private static final Schema ENVELOPE = AvroRecords.parse("""
            {"type": "record", "name": "Envelope", "namespace": "shop.public.customers", "fields": [
              {"name": "before", "type": ["null", %s], "default": null},
              {"name": "after", "type": ["null", "Value"], "default": null},
              {"name": "source", "type": {"type": "record", "name": "Source", "namespace": "io.debezium.connector",
                "fields": [
                  {"name": "connector", "type": "string"},
                  {"name": "ts_ms", "type": "long"},
                  {"name": "lsn", "type": ["null", "long"], "default": null},
                  {"name": "tags", "type": {"type": "array", "items": "string"}}
                ]}},
              {"name": "op", "type": "string"},
              {"name": "ts_ms", "type": ["null", "long"], "default": null},
              {"name": "transaction", "type": ["null", {"type": "record", "name": "block", "fields": [
                {"name": "id", "type": "string"}, {"name": "total_order", "type": "long"}]}], "default": null}
            ]}
            """.formatted(VALUE.toString()));
    private static final Schema KEY = AvroRecords.parse("""
            {"type": "record", "name": "Key", "namespace": "shop.public.customers", "fields": [
              {"name": "id", "type": "int"}
            ]}
            """);

    private final InMemorySchemaRegistryClient schemas = new InMemorySchemaRegistryClient();
    private final CachingSchemaRegistry registry = new CachingSchemaRegistry(schemas);
    private final int envelopeId = schemas.add(ENVELOPE);
    private final int keyId = schemas.add(KEY);
    /** The schemas the decoder asked the sink about: the table's columns. */
    private final List<org.apache.iceberg.Schema> asked = new ArrayList<>();

    @AfterEach
    void close() {
        registry.close();
    }

    private ConfluentAvroDecoder decoder(ConfluentAvroDecoder.Tombstones tombstones) {
        return new ConfluentAvroDecoder(
                registry,
                produced -> {
                    asked.add(produced);
                    return RowType.of(produced);
                },
                EngineOptions.SourceFormat.DEBEZIUM,
                tombstones);
    }

    private static GenericRecord value(long id, String name, Double balance) {
        GenericRecord record = new GenericData.Record(VALUE);
        record.put("id", id);
        record.put("name", name);
        record.put("balance", balance);
        return record;
    }

    private ByteBuffer event(String op, GenericRecord before, GenericRecord after) {
        GenericRecord source =
                new GenericData.Record(ENVELOPE.getField("source").schema());
        source.put("connector", "postgresql");
        source.put("ts_ms", 1_700_000_000_000L);
        source.put("lsn", 42L);
        source.put("tags", List.of("a", "b"));
        GenericRecord event = new GenericData.Record(ENVELOPE);
        event.put("before", before);
        event.put("after", after);
        event.put("source", source);
        event.put("op", op);
        event.put("ts_ms", 1_700_000_000_001L);
        GenericRecord transaction = new GenericData.Record(
                ENVELOPE.getField("transaction").schema().getTypes().get(1));
        transaction.put("id", "tx-1");
        transaction.put("total_order", 3L);
        event.put("transaction", transaction);
        return ByteBuffer.wrap(WireFormat.frame(envelopeId, AvroRecords.encode(ENVELOPE, event)));
    }

    private ByteBuffer key(int id) {
        GenericRecord key = new GenericData.Record(KEY);
        key.put("id", id);
        return ByteBuffer.wrap(WireFormat.frame(keyId, AvroRecords.encode(KEY, key)));
    }

    @Test
    void createsSnapshotReadsAndUpdatesWriteTheAfterRowUnderItsOwnSchema() {
        ConfluentAvroDecoder decoder = decoder(ConfluentAvroDecoder.Tombstones.DELETE);
        for (String op : List.of("c", "r", "u")) {
            Row row = decoder.decode(
                    key(7), event(op, op.equals("u") ? value(7, "old", 1.0) : null, value(7, "new", 2.5)));
            assertThat(row.kind()).as("op %s", op).isEqualTo(RowKind.WRITE);
            assertThat(row.getLong(0)).isEqualTo(7);
            assertThat(row.getReference(1).toString()).isEqualTo("new");
            assertThat(row.getDouble(2)).isEqualTo(2.5);
        }
        assertThat(asked)
                .as("the table's columns are the row's, not the envelope's")
                .singleElement()
                .satisfies(schema -> assertThat(schema.columns())
                        .extracting(column -> column.name())
                        .containsExactly("id", "name", "balance"));
    }

    @Test
    void aDeleteIsTheBeforeRowMarkedDelete() {
        ConfluentAvroDecoder decoder = decoder(ConfluentAvroDecoder.Tombstones.DELETE);
        Row created = decoder.decode(key(9), event("c", null, value(9, "x", null)));
        assertThat(created.kind()).isEqualTo(RowKind.WRITE);
        assertThat(created.isNull(2)).isTrue();
        Row deleted = decoder.decode(key(9), event("d", value(9, "x", null), null));
        assertThat(deleted.kind()).isEqualTo(RowKind.DELETE);
        assertThat(deleted.getLong(0)).isEqualTo(9);
        Row again = decoder.decode(key(9), event("u", value(9, "x", null), value(9, "y", 1.0)));
        assertThat(again.kind()).as("the reused row is a write again").isEqualTo(RowKind.WRITE);
    }

    @Test
    void unknownOpsAndMissingHalvesAreBadRecordsSayingWhy() {
        ConfluentAvroDecoder decoder = decoder(ConfluentAvroDecoder.Tombstones.DELETE);
        assertThatThrownBy(() -> decoder.decode(key(1), event("x", null, value(1, "a", null))))
                .isInstanceOf(BadRecordException.class)
                .satisfies(e ->
                        assertThat(((BadRecordException) e).code()).isEqualTo(EngineErrorCode.CHANGE_EVENT_INVALID))
                .hasMessage("schema id " + envelopeId + ": Debezium change event: unknown op 'x' (Floe applies c, r,"
                        + " u and d)");
        assertThatThrownBy(() -> decoder.decode(key(1), event("t", null, null)))
                .hasMessage("schema id " + envelopeId + ": Debezium change event: unknown op 't' (Floe applies c, r,"
                        + " u and d; a truncate is not applied)");
        assertThatThrownBy(() -> decoder.decode(key(1), event("u", value(1, "a", null), null)))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("schema id " + envelopeId + ": Debezium change event: op 'u' has a null 'after': there is"
                        + " no row to write");
        assertThatThrownBy(() -> decoder.decode(key(1), event("d", null, null)))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("schema id " + envelopeId + ": Debezium change event: op 'd' has a null 'before': the key"
                        + " to delete is unknown");
    }

    @Test
    void aValueThatIsNoEnvelopeIsRefusedByItsSchema() {
        int plain = schemas.add(VALUE);
        ConfluentAvroDecoder decoder = decoder(ConfluentAvroDecoder.Tombstones.DELETE);
        ByteBuffer framed = ByteBuffer.wrap(WireFormat.frame(plain, AvroRecords.encode(VALUE, value(1, "a", null))));
        assertThatThrownBy(() -> decoder.decode(key(1), framed))
                .isInstanceOf(BadRecordException.class)
                .satisfies(
                        e -> assertThat(((BadRecordException) e).code()).isEqualTo(EngineErrorCode.UNSUPPORTED_SCHEMA))
                .hasMessage("schema id " + plain + " (source.format: debezium): not a Debezium change event: record"
                        + " shop.public.customers.Value lacks 'op' (an envelope has op, before, after)");
    }

    @Test
    void aTombstoneDeletesTheKeyOfItsAvroKeyRecord() {
        ConfluentAvroDecoder decoder = decoder(ConfluentAvroDecoder.Tombstones.DELETE);
        Row row = decoder.decode(key(12), null);
        assertThat(row.kind()).isEqualTo(RowKind.DELETE);
        assertThat(row.type().struct().fields())
                .extracting(field -> field.name())
                .containsExactly("id");
        assertThat(row.getInt(0)).isEqualTo(12);
        assertThat(asked)
                .as("a key asks the sink nothing: it neither creates nor evolves the table")
                .isEmpty();
    }

    @Test
    void aTombstoneWithoutAnAvroRecordKeyIsABadRecord() {
        ConfluentAvroDecoder decoder = decoder(ConfluentAvroDecoder.Tombstones.DELETE);
        assertThatThrownBy(() -> decoder.decode(null, null))
                .isInstanceOf(BadRecordException.class)
                .satisfies(e ->
                        assertThat(((BadRecordException) e).code()).isEqualTo(EngineErrorCode.TOMBSTONE_KEY_INVALID))
                .hasMessage(
                        "the record has neither a value nor a key: a tombstone needs its key to say what to delete");
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap("12".getBytes(StandardCharsets.UTF_8)), null))
                .isInstanceOf(BadRecordException.class)
                .hasMessageStartingWith("the tombstone's key is not a Confluent-framed Avro record, so it cannot say"
                        + " what to delete: ");
        int text = schemas.add(Schema.create(Schema.Type.STRING));
        ByteBuffer textKey =
                ByteBuffer.wrap(WireFormat.frame(text, AvroRecords.encode(Schema.create(Schema.Type.STRING), "12")));
        assertThatThrownBy(() -> decoder.decode(textKey, null))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("the tombstone's key (schema id " + text + ") is STRING, not an Avro record whose fields"
                        + " name the table's key columns");
    }

    @Test
    void tombstonesStayBadRecordsForASinkThatAppends() {
        ConfluentAvroDecoder decoder = decoder(ConfluentAvroDecoder.Tombstones.REJECT);
        assertThatThrownBy(() -> decoder.decode(key(1), null))
                .isInstanceOf(BadRecordException.class)
                .satisfies(e -> assertThat(((BadRecordException) e).code()).isEqualTo(EngineErrorCode.NULL_VALUE))
                .hasMessage("the record has no value (a tombstone)");
    }
}
