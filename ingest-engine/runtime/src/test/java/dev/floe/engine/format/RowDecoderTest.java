package dev.floe.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.row.Row;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class RowDecoderTest {
    private static final Schema ORDER = AvroRecords.parse("""
            {"type":"record","name":"Order","namespace":"dev.floe.test","fields":[
              {"name":"order_id","type":"long"},
              {"name":"customer_id","type":"string"},
              {"name":"quantity","type":"int"},
              {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
              {"name":"event_time","type":{"type":"long","logicalType":"timestamp-micros"}},
              {"name":"gift","type":"boolean"},
              {"name":"discount","type":"double"},
              {"name":"coupon","type":["null","string"],"default":null}
            ]}""");

    private static GenericRecord order(long id, String coupon) {
        GenericRecord record = new GenericData.Record(ORDER);
        record.put("order_id", id);
        record.put("customer_id", "customer-42");
        record.put("quantity", 3);
        Schema priceSchema = ORDER.getField("price").schema();
        record.put(
                "price",
                new Conversions.DecimalConversion()
                        .toBytes(new BigDecimal("-1234.56"), priceSchema, LogicalTypes.decimal(10, 2)));
        record.put("event_time", 1_700_000_000_123_456L);
        record.put("gift", true);
        record.put("discount", 0.25);
        record.put("coupon", coupon);
        return record;
    }

    @Test
    void decodesEveryFieldOfAnOrderIntoTypedSlots() {
        RowDecoder decoder = AvroRecords.decoderFor(ORDER);
        byte[] bytes = AvroRecords.encode(ORDER, order(7, "SPRING"));

        Row row = decoder.decode(bytes, 0, bytes.length);

        assertThat(row.getLong(0)).isEqualTo(7);
        assertThat(row.get(1, CharSequence.class).toString()).isEqualTo("customer-42");
        assertThat(row.getInt(2)).isEqualTo(3);
        assertThat(row.getLong(3)).as("unscaled price").isEqualTo(-123456);
        assertThat(row.get(3, BigDecimal.class)).isEqualByComparingTo("-1234.56");
        assertThat(row.getLong(4)).isEqualTo(1_700_000_000_123_456L);
        assertThat(row.getBoolean(5)).isTrue();
        assertThat(row.getDouble(6)).isEqualTo(0.25);
        assertThat(row.get(7, CharSequence.class).toString()).isEqualTo("SPRING");
    }

    @Test
    void decodesFromTheMiddleOfABufferWithoutCopying() {
        RowDecoder decoder = AvroRecords.decoderFor(ORDER);
        byte[] record = AvroRecords.encode(ORDER, order(9, null));
        byte[] buffer = new byte[record.length + 20];
        System.arraycopy(record, 0, buffer, 10, record.length);

        Row row = decoder.decode(buffer, 10, record.length);

        assertThat(row.getLong(0)).isEqualTo(9);
        assertThat(row.isNull(7)).isTrue();
        assertThat(((dev.floe.engine.spi.row.Utf8Slice) row.getReference(1)).array())
                .as("strings are slices of the input")
                .isSameAs(buffer);
    }

    @Test
    void promotesIntToLongAndFloatToDoubleAsAvroResolutionSays() {
        Schema writer = AvroRecords.parse("""
                {"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"float"},
                {"name":"c","type":"int"},{"name":"d","type":"string"}]}""");
        Types.StructType table = Types.StructType.of(
                Types.NestedField.required(1, "a", Types.LongType.get()),
                Types.NestedField.required(2, "b", Types.DoubleType.get()),
                Types.NestedField.required(3, "c", Types.DoubleType.get()),
                Types.NestedField.required(4, "d", Types.BinaryType.get()));
        GenericRecord record = new GenericData.Record(writer);
        record.put("a", -5);
        record.put("b", 1.5f);
        record.put("c", 7);
        record.put("d", "xy");
        byte[] bytes = AvroRecords.encode(writer, record);

        Row row = AvroRecords.decoderFor(writer, table).decode(bytes, 0, bytes.length);

        assertThat(row.getLong(0)).isEqualTo(-5);
        assertThat(row.getDouble(1)).isEqualTo(1.5);
        assertThat(row.getDouble(2)).isEqualTo(7.0);
        assertThat(row.get(3, ByteBuffer.class)).isEqualTo(ByteBuffer.wrap("xy".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void skipsFieldsTheTableLacksAndNullsColumnsTheRecordLacks() {
        Schema writer = AvroRecords.parse("""
                {"type":"record","name":"R","fields":[
                  {"name":"dropped","type":{"type":"array","items":{"type":"map","values":"string"}}},
                  {"name":"kept","type":"long"},
                  {"name":"dropped_union","type":["null","string","double"]}]}""");
        Types.StructType table = Types.StructType.of(
                Types.NestedField.required(1, "kept", Types.LongType.get()),
                Types.NestedField.optional(2, "added_later", Types.StringType.get()));
        GenericRecord record = new GenericData.Record(writer);
        record.put("dropped", List.of(Map.of("k", "v"), Map.of()));
        record.put("kept", 11L);
        record.put("dropped_union", 2.5);
        byte[] bytes = AvroRecords.encode(writer, record);

        Row row = AvroRecords.decoderFor(writer, table).decode(bytes, 0, bytes.length);

        assertThat(row.getLong(0)).isEqualTo(11);
        assertThat(row.isNull(1)).isTrue();
    }

    @Test
    void decodesLogicalTypesEnumsNestedRecordsListsAndMaps() {
        Schema writer = AvroRecords.parse("""
                {"type":"record","name":"R","fields":[
                  {"name":"day","type":{"type":"int","logicalType":"date"}},
                  {"name":"at_millis","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"local","type":{"type":"long","logicalType":"local-timestamp-micros"}},
                  {"name":"clock","type":{"type":"int","logicalType":"time-millis"}},
                  {"name":"id","type":{"type":"string","logicalType":"uuid"}},
                  {"name":"hash","type":{"type":"fixed","name":"Hash","size":4}},
                  {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
                  {"name":"address","type":{"type":"record","name":"Address","fields":[
                      {"name":"city","type":"string"},{"name":"zip","type":["null","int"]}]}},
                  {"name":"tags","type":{"type":"array","items":"string"}},
                  {"name":"scores","type":{"type":"map","values":["null","double"]}}]}""");
        UUID id = UUID.randomUUID();
        GenericRecord address =
                new GenericData.Record(writer.getField("address").schema());
        address.put("city", "Lyon");
        address.put("zip", null);
        GenericRecord record = new GenericData.Record(writer);
        record.put("day", 19_000);
        record.put("at_millis", 1_700_000_000_123L);
        record.put("local", 42L);
        record.put("clock", 3_600_000);
        record.put("id", id.toString());
        record.put("hash", new GenericData.Fixed(writer.getField("hash").schema(), new byte[] {1, 2, 3, 4}));
        record.put("color", new GenericData.EnumSymbol(writer.getField("color").schema(), "GREEN"));
        record.put("address", address);
        record.put("tags", List.of("a", "b", "c"));
        java.util.Map<String, Double> scores = new java.util.LinkedHashMap<>();
        scores.put("x", 1.5);
        scores.put("y", null);
        record.put("scores", scores);
        byte[] bytes = AvroRecords.encode(writer, record);

        Row row = AvroRecords.decoderFor(writer).decode(bytes, 0, bytes.length);

        assertThat(row.getInt(0)).isEqualTo(19_000);
        assertThat(row.getLong(1)).as("millis become micros").isEqualTo(1_700_000_000_123_000L);
        assertThat(row.type().field(1).type()).isEqualTo(Types.TimestampType.withZone());
        assertThat(row.type().field(2).type()).isEqualTo(Types.TimestampType.withoutZone());
        assertThat(row.getLong(3)).as("time-millis becomes micros").isEqualTo(3_600_000_000L);
        assertThat(row.get(4, UUID.class)).isEqualTo(id);
        assertThat(row.get(5, ByteBuffer.class)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        assertThat(row.get(6, CharSequence.class).toString()).isEqualTo("GREEN");
        Row nested = row.get(7, Row.class);
        assertThat(nested.get(0, CharSequence.class).toString()).isEqualTo("Lyon");
        assertThat(nested.isNull(1)).isTrue();
        assertThat(row.get(8, List.class)).extracting(Object::toString).containsExactly("a", "b", "c");
        Map<?, ?> map = row.get(9, Map.class);
        assertThat(map).hasSize(2);
        assertThat(new java.util.ArrayList<Object>(map.values())).containsExactly(1.5, null);
    }

    @Test
    void rejectsTruncatedBytesAsCorrupt() {
        byte[] bytes = AvroRecords.encode(ORDER, order(1, "X"));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 4);

        assertThatThrownBy(() -> AvroRecords.decoderFor(ORDER).decode(truncated, 0, truncated.length))
                .isInstanceOfSatisfying(
                        DecodeFailure.class, e -> assertThat(e.kind()).isEqualTo(DecodeFailure.Kind.CORRUPT))
                .hasMessageContaining("corrupt Avro");
    }

    @Test
    void reportsPositionsFromTheRecordsStartNotTheBuffers() {
        byte[] record = AvroRecords.encode(ORDER, order(1, "X"));
        byte[] buffer = new byte[1000 + record.length];
        System.arraycopy(record, 0, buffer, 1000, record.length - 4);

        assertThatThrownBy(() -> AvroRecords.decoderFor(ORDER).decode(buffer, 1000, record.length - 4))
                .isInstanceOf(DecodeFailure.class)
                .message()
                .doesNotContainPattern("byte \\d{3,}");
    }

    @Test
    void rejectsBytesLeftAfterTheRecord() {
        byte[] bytes = AvroRecords.encode(ORDER, order(1, null));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);

        assertThatThrownBy(() -> AvroRecords.decoderFor(ORDER).decode(longer, 0, longer.length))
                .isInstanceOf(DecodeFailure.class)
                .hasMessageContaining("3 bytes left after the record");
    }

    @Test
    void rejectsOnlyTheRecordsWhoseUnionBranchTheColumnCannotHold() {
        Schema writer = AvroRecords.parse("""
                {"type":"record","name":"R","fields":[{"name":"v","type":["null","long","string"]}]}""");
        Types.StructType table = Types.StructType.of(Types.NestedField.optional(1, "v", Types.LongType.get()));
        RowDecoder decoder = AvroRecords.decoderFor(writer, table);
        GenericRecord number = new GenericData.Record(writer);
        number.put("v", 5L);
        GenericRecord text = new GenericData.Record(writer);
        text.put("v", "five");

        byte[] good = AvroRecords.encode(writer, number);
        assertThat(decoder.decode(good, 0, good.length).getLong(0)).isEqualTo(5);
        byte[] bad = AvroRecords.encode(writer, text);
        assertThatThrownBy(() -> decoder.decode(bad, 0, bad.length))
                .isInstanceOfSatisfying(
                        DecodeFailure.class, e -> assertThat(e.kind()).isEqualTo(DecodeFailure.Kind.INCOMPATIBLE))
                .hasMessageContaining("'v'");
    }

    @Test
    void rejectsANullForARequiredColumn() {
        Schema writer = AvroRecords.parse("""
                {"type":"record","name":"R","fields":[{"name":"v","type":["null","long"]}]}""");
        Types.StructType table = Types.StructType.of(Types.NestedField.required(1, "v", Types.LongType.get()));
        GenericRecord record = new GenericData.Record(writer);
        record.put("v", null);
        byte[] bytes = AvroRecords.encode(writer, record);

        assertThatThrownBy(() -> AvroRecords.decoderFor(writer, table).decode(bytes, 0, bytes.length))
                .isInstanceOf(DecodeFailure.class)
                .hasMessageContaining("field 'v' is null, but its column is required");
    }

    @Test
    void saysWhyNoRecordOfASchemaFitsWhenARequiredColumnIsMissing() {
        Schema writer = AvroRecords.parse("""
                {"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}""");
        Types.StructType table = Types.StructType.of(
                Types.NestedField.required(1, "a", Types.LongType.get()),
                Types.NestedField.required(2, "b", Types.StringType.get()));

        RowDecoder decoder = AvroRecords.decoderFor(writer, table);

        assertThat(decoder.incompatibility()).contains("required column 'b'");
    }
}
