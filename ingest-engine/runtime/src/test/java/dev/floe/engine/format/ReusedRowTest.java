package dev.floe.engine.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowKind;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decoder refills one row, with the same string slices and nested rows, for every record; what
 * keeps a row beyond its record keeps a copy that the next record leaves alone.
 */
class ReusedRowTest {
    private static final Schema CUSTOMER = AvroRecords.parse("""
            {"type":"record","name":"Order","namespace":"dev.floe.test","fields":[
              {"name":"id","type":"long"},
              {"name":"name","type":"string"},
              {"name":"coupon","type":["null","string"],"default":null},
              {"name":"address","type":{"type":"record","name":"Address","fields":[
                {"name":"city","type":"string"}
              ]}}
            ]}""");
    private static final Schema KEY = AvroRecords.parse("""
            {"type":"record","name":"Key","namespace":"dev.floe.test","fields":[
              {"name":"name","type":"string"}
            ]}""");

    private final InMemorySchemaRegistryClient schemas = new InMemorySchemaRegistryClient();
    private final CachingSchemaRegistry registry = new CachingSchemaRegistry(schemas);
    private final int valueId = schemas.add(CUSTOMER);
    private final int keyId = schemas.add(KEY);

    @AfterEach
    void close() {
        registry.close();
    }

    private static byte[] order(long id, String name, String coupon, String city) {
        GenericRecord address =
                new GenericData.Record(CUSTOMER.getField("address").schema());
        address.put("city", city);
        GenericRecord record = new GenericData.Record(CUSTOMER);
        record.put("id", id);
        record.put("name", name);
        record.put("coupon", coupon);
        record.put("address", address);
        return AvroRecords.encode(CUSTOMER, record);
    }

    private static Row decode(RowDecoder decoder, byte[] bytes) {
        return decoder.decode(bytes, 0, bytes.length);
    }

    private static String text(Row row, int position) {
        return row.getReference(position).toString();
    }

    @Test
    void decodingTheNextRecordRefillsTheSameSlicesAndNestedRow() {
        RowDecoder decoder = AvroRecords.decoderFor(CUSTOMER);
        Row first = decode(decoder, order(1, "ada", "SPRING", "Paris"));
        Object name = first.getReference(1);
        Object coupon = first.getReference(2);
        Row address = (Row) first.getReference(3);
        Object city = address.getReference(0);

        Row second = decode(decoder, order(2, "grace", "AUTUMN", "Lyon"));

        assertThat(second).isSameAs(first);
        assertThat(second.getReference(1)).isSameAs(name);
        assertThat(second.getReference(2)).isSameAs(coupon);
        assertThat(second.getReference(3)).isSameAs(address);
        assertThat(address.getReference(0)).isSameAs(city);
        assertThat(((Utf8Slice) name).isReused()).isTrue();
        assertThat(text(second, 1)).isEqualTo("grace");
        assertThat(text(address, 0)).isEqualTo("Lyon");
    }

    @Test
    void anOptionalStringKeepsItsSliceThroughANullRecord() {
        RowDecoder decoder = AvroRecords.decoderFor(CUSTOMER);
        Object coupon = decode(decoder, order(1, "ada", "SPRING", "Paris")).getReference(2);

        assertThat(decode(decoder, order(2, "grace", null, "Lyon")).isNull(2)).isTrue();
        Row third = decode(decoder, order(3, "linus", "WINTER", "Oslo"));

        assertThat(third.getReference(2)).isSameAs(coupon);
        assertThat(text(third, 2)).isEqualTo("WINTER");
    }

    @Test
    void aCopyKeepsTheFirstRecordsValuesWhenTheRowIsRefilled() {
        RowDecoder decoder = AvroRecords.decoderFor(CUSTOMER);
        Row copy = decode(decoder, order(1, "ada", "SPRING", "Paris")).copy();

        decode(decoder, order(2, "grace", "AUTUMN", "Lyon"));

        assertThat(copy.getLong(0)).isEqualTo(1);
        assertThat(text(copy, 1)).isEqualTo("ada");
        assertThat(text(copy, 2)).isEqualTo("SPRING");
        assertThat(text((Row) copy.getReference(3), 0)).isEqualTo("Paris");
        assertThat(((Utf8Slice) copy.getReference(1)).isReused()).isFalse();
    }

    @Test
    void aDetachedRowKeepsTheFirstRecordsValuesWhenTheRowIsRefilled() {
        RowDecoder decoder = AvroRecords.decoderFor(CUSTOMER);
        Row detached = decode(decoder, order(1, "ada", "SPRING", "Paris")).detach();

        decode(decoder, order(2, "grace", "AUTUMN", "Lyon"));

        assertThat(text(detached, 1)).isEqualTo("ada");
        assertThat(text(detached, 2)).isEqualTo("SPRING");
        assertThat(text((Row) detached.getReference(3), 0)).isEqualTo("Paris");
    }

    @Test
    void aDetachedSliceThatSpansItsWholeArrayIsStillCopied() {
        Row row = new Row(RowType.of(AvroToIceberg.convert(KEY)));
        byte[] first = "ada".getBytes(StandardCharsets.UTF_8);
        row.setString(0, first, 0, first.length);
        Row detached = row.detach();

        byte[] second = "bob".getBytes(StandardCharsets.UTF_8);
        row.setString(0, second, 0, second.length);

        assertThat(detached.getReference(0).toString()).isEqualTo("ada");
        assertThat(detached.getReference(0)).isNotSameAs(row.getReference(0));
    }

    @Test
    void aStringTakenBeforeTheNextRecordIsTheFirstRecords() {
        RowDecoder decoder = AvroRecords.decoderFor(CUSTOMER);
        Row row = decode(decoder, order(1, "ada", "SPRING", "Paris"));
        String name = row.getReference(1).toString();
        Utf8Slice copied = ((Utf8Slice) row.getReference(1)).copy();

        decode(decoder, order(2, "grace", "AUTUMN", "Lyon"));

        assertThat(name).isEqualTo("ada");
        assertThat(copied.toString()).isEqualTo("ada");
        assertThat(row.getReference(1).toString())
                .as("the cached string went with the old bytes")
                .isEqualTo("grace");
    }

    @Test
    void copiesOfTombstoneKeyRowsKeepTheirKeys() {
        ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(
                registry, RowType::of, EngineOptions.SourceFormat.AVRO, ConfluentAvroDecoder.Tombstones.DELETE);
        Row first = decoder.decode(key("ada"), null);
        assertThat(first.kind()).isEqualTo(RowKind.DELETE);
        Row copy = first.copy();

        Row second = decoder.decode(key("grace"), null);

        assertThat(second.getReference(0).toString()).isEqualTo("grace");
        assertThat(copy.getReference(0).toString()).isEqualTo("ada");
        assertThat(copy.kind()).isEqualTo(RowKind.DELETE);
    }

    @Test
    void copiesOfFramedValuesKeepTheirValues() {
        ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(registry, RowType::of);
        Row copy = decoder.decode(value(order(1, "ada", null, "Paris"))).copy();

        decoder.decode(value(order(2, "grace", null, "Lyon")));

        assertThat(copy.getReference(1).toString()).isEqualTo("ada");
        assertThat(((Row) copy.getReference(3)).getReference(0).toString()).isEqualTo("Paris");
    }

    @Test
    void copiesOfRowsDecodedFromDirectBuffersKeepTheirValues() {
        ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(registry, RowType::of);
        Row copy = decoder.decode(direct(value(order(1, "ada", null, "Paris")))).copy();

        decoder.decode(direct(value(order(2, "grace", null, "Lyon"))));

        assertThat(copy.getReference(1).toString()).isEqualTo("ada");
    }

    private ByteBuffer value(byte[] avro) {
        return ByteBuffer.wrap(WireFormat.frame(valueId, avro));
    }

    private ByteBuffer key(String name) {
        GenericRecord key = new GenericData.Record(KEY);
        key.put("name", name);
        return ByteBuffer.wrap(WireFormat.frame(keyId, AvroRecords.encode(KEY, key)));
    }

    private static ByteBuffer direct(ByteBuffer heap) {
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
        direct.put(heap.duplicate()).flip();
        return direct;
    }
}
