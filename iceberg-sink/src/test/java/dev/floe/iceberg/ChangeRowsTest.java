package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowKind;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.spi.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows marked {@link RowKind#DELETE}, as change events and tombstones arrive: a delete of a full
 * row or of a key record alone, the last change of a key within a checkpoint deciding its state.
 */
class ChangeRowsTest {
    /** A tombstone's key record: only the key column, as an int where the table has long. */
    private static final RowType INT_KEY =
            RowType.of(new Schema(Types.NestedField.required(1, "id", Types.IntegerType.get())));

    @TempDir
    Path directory;

    private SinkFixture fixture;
    private long offset;

    @BeforeEach
    void fixture() {
        fixture = new SinkFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private static TableConfig upsert(String table) {
        return new TableConfig(
                table, List.of(), 2, 0, 64, Map.of(), true, List.of(), List.of(), 10_000, true, List.of("id"), null);
    }

    private void write(IcebergSink sink, SinkWriter writer, long id, String note) {
        writer.write(row(sink, id, note, RowKind.WRITE));
    }

    /** A change event's delete: the whole row before the change, of the table's type. */
    private void deleteRow(IcebergSink sink, SinkWriter writer, long id) {
        writer.write(row(sink, id, "before", RowKind.DELETE));
    }

    /** A tombstone's delete: a row of the key record's own type. */
    private void tombstone(SinkWriter writer, int id) {
        Row key = new Row(INT_KEY);
        key.setInt(0, id);
        key.setKind(RowKind.DELETE);
        key.setOrigin("changes", 0, offset++);
        writer.write(key);
    }

    private Row row(IcebergSink sink, long id, String note, RowKind kind) {
        Row row = new Row(sink.rowType(SinkFixture.EVENTS));
        row.setLong(0, id);
        row.setReference(1, Utf8Slice.of("FR"));
        row.setReference(2, Utf8Slice.of(note));
        row.setKind(kind);
        row.setOrigin("changes", 0, offset++);
        return row;
    }

    private void commit(IcebergSink sink, SinkWriter writer, long id, long from) {
        sink.committer()
                .prepare(
                        checkpoint("cdc", id, offsets("changes", 0, from), offsets("changes", 0, offset)),
                        List.of(writer.prepareCommit(id)));
        sink.committer().commit(id);
    }

    private Map<Long, String> rows(String table) {
        Map<Long, String> rows = new TreeMap<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(fixture.load(table)).build()) {
            for (Record record : records) {
                assertThat(rows.put(
                                (Long) record.getField("id"),
                                record.getField("note").toString()))
                        .as("a second row of id %s", record.getField("id"))
                        .isNull();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    @Test
    void theLastChangeOfAKeyWithinACheckpointDecidesItsState() {
        IcebergSink sink = fixture.open("cdc", upsert("cdc.latest"));
        SinkWriter writer = sink.createWriter(0);
        Map<Long, String> expected = new TreeMap<>();
        for (long id = 0; id < 20; id++) {
            write(sink, writer, id, "a" + id);
            expected.put(id, "a" + id);
        }
        commit(sink, writer, 1, 0);
        long second = offset;
        // insert-update-delete-insert of a key the table holds
        write(sink, writer, 1, "b1");
        write(sink, writer, 1, "c1");
        deleteRow(sink, writer, 1);
        write(sink, writer, 1, "d1");
        expected.put(1L, "d1");
        // update then delete, by the row and by a tombstone
        write(sink, writer, 2, "b2");
        deleteRow(sink, writer, 2);
        expected.remove(2L);
        write(sink, writer, 3, "b3");
        tombstone(writer, 3);
        expected.remove(3L);
        // delete then insert again, by a tombstone and by the row
        tombstone(writer, 4);
        write(sink, writer, 4, "b4");
        expected.put(4L, "b4");
        deleteRow(sink, writer, 5);
        write(sink, writer, 5, "b5");
        expected.put(5L, "b5");
        // a new key inserted, deleted, inserted and deleted again
        write(sink, writer, 100, "x");
        tombstone(writer, 100);
        write(sink, writer, 100, "y");
        deleteRow(sink, writer, 100);
        // a key never seen, deleted twice; a held key deleted twice
        tombstone(writer, 200);
        deleteRow(sink, writer, 200);
        deleteRow(sink, writer, 6);
        tombstone(writer, 6);
        expected.remove(6L);
        commit(sink, writer, 2, second);

        assertThat(rows("cdc.latest")).isEqualTo(expected);
        assertThat(fixture.load("cdc.latest").currentSnapshot().summary().get("added-records"))
                .as("one row per key whose last change writes it")
                .isEqualTo("3");
    }

    @Test
    void aDeleteBeforeTheTableExistsDeletesNothingAndCreatesNothing() {
        IcebergSink sink = fixture.open("cdc", upsert("cdc.later"));
        SinkWriter writer = sink.createWriter(0);
        tombstone(writer, 1);
        tombstone(writer, 2);
        commit(sink, writer, 1, 0);
        boolean exists = fixture.withCatalog(catalog -> catalog.tableExists(TableIdentifier.parse("cdc.later")));
        assertThat(exists).isFalse();
        long from = offset;
        write(sink, writer, 1, "a");
        write(sink, writer, 2, "a");
        tombstone(writer, 2);
        commit(sink, writer, 2, from);
        assertThat(rows("cdc.later")).isEqualTo(Map.of(1L, "a"));
    }

    @Test
    void aDeleteWithoutItsKeyColumnOrWithANullOneIsABadRecord() {
        IcebergSink sink = fixture.open("cdc", upsert("cdc.keys"));
        SinkWriter writer = sink.createWriter(0);
        write(sink, writer, 1, "a");
        Row other = new Row(RowType.of(new Schema(Types.NestedField.required(1, "sku", Types.LongType.get()))));
        other.setLong(0, 1);
        other.setKind(RowKind.DELETE);
        assertThatThrownBy(() -> writer.write(other))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("Cannot delete from table cdc.keys by a record of struct<1: sku: required long>: it has"
                        + " no field 'id', an identifier field of the table");
        Row text = new Row(RowType.of(new Schema(Types.NestedField.required(1, "id", Types.StringType.get()))));
        text.setReference(0, Utf8Slice.of("1"));
        text.setKind(RowKind.DELETE);
        assertThatThrownBy(() -> writer.write(text))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("Cannot delete from table cdc.keys by a record of struct<1: id: required string>: its"
                        + " field 'id' is string, the table's key column long");
        Row absent = new Row(RowType.of(new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()))));
        absent.setNull(0);
        absent.setKind(RowKind.DELETE);
        absent.setOrigin("changes", 3, 42);
        assertThatThrownBy(() -> writer.write(absent))
                .isInstanceOf(BadRecordException.class)
                .hasMessage(
                        "Cannot delete the record at changes-3@42 from table cdc.keys: its key column 'id' is null");
    }
}
