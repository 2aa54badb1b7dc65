package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table evolving with the records' schema: new optional columns (top-level and nested), int to
 * long, float to double, decimal precision across the 18-digit boundary of the row's long slot,
 * required to optional; incompatible changes refused with the column, both types and the table.
 */
class SchemaEvolutionTest {
    private static final Types.StructType ADDRESS_V1 =
            Types.StructType.of(Types.NestedField.required(10, "street", Types.StringType.get()));

    /** The first writer schema, as the decoder converts it (ids do not matter: names do). */
    private static final Schema V1 = new Schema(
            Types.NestedField.required(1, "id", Types.IntegerType.get()),
            Types.NestedField.optional(2, "price", Types.FloatType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(9, 2)),
            Types.NestedField.required(4, "address", ADDRESS_V1),
            Types.NestedField.required(5, "channel", Types.StringType.get()));

    /** Widened, a new top-level and a new nested field, channel now optional. */
    private static final Schema V2 = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "price", Types.DoubleType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(24, 2)),
            Types.NestedField.required(
                    4,
                    "address",
                    Types.StructType.of(
                            Types.NestedField.required(10, "street", Types.StringType.get()),
                            Types.NestedField.optional(11, "zip", Types.IntegerType.get()))),
            Types.NestedField.optional(5, "channel", Types.StringType.get()),
            Types.NestedField.optional(6, "note", Types.StringType.get()));

    @TempDir
    Path directory;

    private SinkFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new SinkFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aWiderWriterSchemaEvolvesTheTableAndOldAndNewRowsReadBackTogether() {
        IcebergSink sink = fixture.open("shop", SinkFixture.tables("shop.orders", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);
        RowType first = sink.rowType(V1);
        for (int offset = 0; offset < 5; offset++) {
            Row row = new Row(first);
            row.setInt(0, offset);
            row.setFloat(1, offset + 0.5f);
            row.set(2, new BigDecimal(offset + ".25"));
            Row address = new Row(first.nested(3));
            address.set(0, "street " + offset);
            row.setReference(3, address);
            row.set(4, "web");
            row.setOrigin("orders", 0, offset);
            writer.write(row);
        }

        RowType second = sink.rowType(V2);
        Table table = fixture.load("shop.orders");
        assertThat(table.schema().findType("id")).isEqualTo(Types.LongType.get());
        assertThat(table.schema().findType("price")).isEqualTo(Types.DoubleType.get());
        assertThat(table.schema().findType("amount")).isEqualTo(Types.DecimalType.of(24, 2));
        assertThat(table.schema().findField("address.zip").isOptional()).isTrue();
        assertThat(table.schema().findField("channel").isOptional()).isTrue();
        assertThat(table.schema().findField("note").isOptional()).isTrue();
        // the columns kept their ids: rows written before read back under the new schema
        assertThat(table.schema().findField("id").fieldId())
                .isEqualTo(table.schemas().get(0).findField("id").fieldId());
        // the old schema fits the evolved table as it is: no further change
        assertThat(sink.rowType(V1)).isSameAs(second);
        assertThat(fixture.load("shop.orders").schemas()).hasSize(2);

        BigDecimal wide = new BigDecimal("1234567890123456789012.34");
        for (int offset = 5; offset < 8; offset++) {
            Row row = new Row(second);
            row.setLong(0, 5_000_000_000L + offset);
            row.setDouble(1, 1e300);
            row.set(2, wide);
            Row address = new Row(second.nested(3));
            address.set(0, "street " + offset);
            address.set(1, 75000 + offset);
            row.setReference(3, address);
            row.setNull(4);
            row.set(5, "note " + offset);
            row.setOrigin("orders", 0, offset);
            writer.write(row);
        }
        sink.committer()
                .prepare(
                        checkpoint("shop", 1, offsets("orders", 0, 0), offsets("orders", 0, 8)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);

        List<Record> rows = read("shop.orders");
        assertThat(rows).hasSize(8);
        Record old = rows.get(2);
        assertThat(old.getField("id")).isEqualTo(2L);
        assertThat(old.getField("price")).isEqualTo(2.5d);
        assertThat(old.getField("amount")).isEqualTo(new BigDecimal("2.25"));
        assertThat(((Record) old.getField("address")).getField("zip")).isNull();
        assertThat(old.getField("channel").toString()).isEqualTo("web");
        assertThat(old.getField("note")).isNull();
        Record evolved = rows.get(7);
        assertThat(evolved.getField("id")).isEqualTo(5_000_000_007L);
        assertThat(evolved.getField("price")).isEqualTo(1e300);
        assertThat(evolved.getField("amount")).isEqualTo(wide);
        assertThat(((Record) evolved.getField("address")).getField("zip")).isEqualTo(75007);
        assertThat(evolved.getField("channel")).isNull();
        assertThat(evolved.getField("note").toString()).isEqualTo("note 7");
    }

    @Test
    void routedTablesEvolveAndFitOlderRowsIntoTheWiderColumns() {
        IcebergSink sink = fixture.open("routed", SinkFixture.tables("raw.${topic}", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);
        Schema narrow = new Schema(
                Types.NestedField.required(1, "id", Types.IntegerType.get()),
                Types.NestedField.optional(2, "amount", Types.DecimalType.of(10, 2)));
        Schema wide = new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "amount", Types.DecimalType.of(20, 2)),
                Types.NestedField.optional(3, "note", Types.StringType.get()));
        RowType narrowType = sink.rowType(narrow);
        RowType wideType = sink.rowType(wide);
        writer.write(row(narrowType, "events", 0, 1, new BigDecimal("1.50"), null));
        writer.write(row(wideType, "events", 1, 2L << 40, new BigDecimal("123456789012345678.90"), "n"));
        // another subtask meets rows of the narrow schema after the table widened: it fits them
        // into the wider columns
        SinkWriter other = sink.createWriter(1);
        other.write(row(narrowType, "events", 2, 3, new BigDecimal("3.75"), null));
        sink.committer()
                .prepare(
                        checkpoint("routed", 1, offsets("events", 0, 0), offsets("events", 0, 3)),
                        List.of(writer.prepareCommit(1), other.prepareCommit(1)));
        sink.committer().commit(1);

        Table table = fixture.load("raw.events");
        assertThat(table.schema().findType("id")).isEqualTo(Types.LongType.get());
        assertThat(table.schema().findType("amount")).isEqualTo(Types.DecimalType.of(20, 2));
        List<Record> rows = read("raw.events");
        assertThat(rows).extracting(record -> record.getField("id")).containsExactly(1L, 3L, 2L << 40);
        assertThat(rows)
                .extracting(record -> record.getField("amount"))
                .containsExactly(
                        new BigDecimal("1.50"), new BigDecimal("3.75"), new BigDecimal("123456789012345678.90"));
    }

    @Test
    void routedTablesFitOlderNestedRecordsIntoAStructThatGainedFields() {
        IcebergSink sink = fixture.open("routed", SinkFixture.tables("raw.${topic}", 64, List.of()));
        Schema older = new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.required(2, "address", ADDRESS_V1));
        RowType olderType = sink.rowType(older);
        RowType newerType = sink.rowType(V2);
        SinkWriter writer = sink.createWriter(0);
        Row first = new Row(olderType);
        first.setLong(0, 1);
        Row firstAddress = new Row(olderType.nested(1));
        firstAddress.set(0, "old street");
        first.setReference(1, firstAddress);
        first.setOrigin("people", 0, 0);
        writer.write(first);
        Row second = new Row(newerType);
        second.setLong(0, 2);
        second.setNull(1);
        second.setNull(2);
        Row secondAddress = new Row(newerType.nested(3));
        secondAddress.set(0, "new street");
        secondAddress.set(1, 12345);
        second.setReference(3, secondAddress);
        second.setNull(4);
        second.setNull(5);
        second.setOrigin("people", 0, 1);
        writer.write(second);
        // another subtask meets the older nested layout after address gained zip
        SinkWriter other = sink.createWriter(1);
        Row third = new Row(olderType);
        third.setLong(0, 3);
        Row thirdAddress = new Row(olderType.nested(1));
        thirdAddress.set(0, "older street");
        third.setReference(1, thirdAddress);
        third.setOrigin("people", 0, 2);
        other.write(third);
        sink.committer()
                .prepare(
                        checkpoint("routed", 1, offsets("people", 0, 0), offsets("people", 0, 3)),
                        List.of(writer.prepareCommit(1), other.prepareCommit(1)));
        sink.committer().commit(1);

        List<Record> rows = read("raw.people");
        assertThat(rows)
                .extracting(record -> ((Record) record.getField("address")).getField("street"))
                .containsExactly("old street", "new street", "older street");
        assertThat(rows)
                .extracting(record -> ((Record) record.getField("address")).getField("zip"))
                .containsExactly(null, 12345, null);
    }

    @Test
    void anIncompatibleChangeIsRefusedNamingTheColumnBothTypesAndTheTable() {
        IcebergSink sink = fixture.open("shop", SinkFixture.tables("shop.orders", 64, List.of()));
        sink.rowType(V1);
        Schema retyped = new Schema(
                Types.NestedField.required(1, "id", Types.StringType.get()),
                Types.NestedField.required(4, "address", ADDRESS_V1),
                Types.NestedField.required(5, "channel", Types.StringType.get()));
        assertThatThrownBy(() -> sink.rowType(retyped))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("Cannot evolve table shop.orders for the records: column 'id' is int in the table and"
                        + " string in the records' schema (a column only widens int to long, float to double, a"
                        + " decimal's precision at the same scale, or becomes optional)")
                .satisfies(e ->
                        assertThat(((BadRecordException) e).code()).isEqualTo(IcebergErrorCode.SCHEMA_INCOMPATIBLE));
        // asked again (the decoder asks for every record of the schema): the same answer, no change
        assertThatThrownBy(() -> sink.rowType(retyped)).isInstanceOf(BadRecordException.class);

        Schema narrowerScale = new Schema(
                Types.NestedField.required(1, "id", Types.IntegerType.get()),
                Types.NestedField.optional(3, "amount", Types.DecimalType.of(12, 1)),
                Types.NestedField.required(4, "address", ADDRESS_V1),
                Types.NestedField.required(5, "channel", Types.StringType.get()));
        assertThatThrownBy(() -> sink.rowType(narrowerScale))
                .hasMessageContaining("column 'amount' is decimal(9, 2) in the table and decimal(12, 1)");

        Schema withoutAddress = new Schema(
                Types.NestedField.required(1, "id", Types.IntegerType.get()),
                Types.NestedField.required(5, "channel", Types.StringType.get()));
        assertThatThrownBy(() -> sink.rowType(withoutAddress))
                .hasMessage("Cannot evolve table shop.orders for the records: its required column 'address'"
                        + " (struct<"
                        + fixture.load("shop.orders")
                                .schema()
                                .findField("address.street")
                                .fieldId()
                        + ": street: required string>) is not in the records' schema");

        Schema nestedRetyped = new Schema(
                Types.NestedField.required(1, "id", Types.IntegerType.get()),
                Types.NestedField.required(
                        4,
                        "address",
                        Types.StructType.of(Types.NestedField.required(10, "street", Types.IntegerType.get()))),
                Types.NestedField.required(5, "channel", Types.StringType.get()));
        assertThatThrownBy(() -> sink.rowType(nestedRetyped))
                .hasMessageContaining("column 'address.street' is string in the table and int in the records'");

        // nothing was changed by the refused schemas
        assertThat(fixture.load("shop.orders").schemas()).hasSize(1);
    }

    private static Row row(RowType type, String topic, long offset, long id, BigDecimal amount, String note) {
        Row row = new Row(type);
        row.set(0, type.kind(0) == dev.floe.engine.spi.row.FieldKind.INT ? (Object) (int) id : (Object) id);
        row.set(1, amount);
        if (type.size() > 2) {
            row.set(2, note);
        }
        row.setOrigin(topic, 0, offset);
        return row;
    }

    private List<Record> read(String table) {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(fixture.load(table)).build()) {
            records.forEach(rows::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.sort(Comparator.comparingLong(record -> (Long) record.getField("id")));
        return rows;
    }
}
