package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink is handed one row refilled for every record, as the decoder refills its row: the same
 * string slices, here over one buffer that the next record overwrites (stricter than a fetch
 * buffer, which is never rewritten). Whatever the sink keeps beyond a record (sort buffers, upsert
 * keys, partition keys of open files, route keys, Parquet dictionaries and statistics) must be a
 * copy: each test reads the table back and finds every record's own values.
 */
class ReusedRowsSinkTest {
    private static final String[] COUNTRIES = {"FR", "DE", "US", "JP", "BR"};

    @TempDir
    Path directory;

    private SinkFixture fixture;
    private final byte[] buffer = new byte[64];
    private long offset;

    @BeforeEach
    void fixture() {
        fixture = new SinkFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Refills {@code row} with a record, its strings in the shared buffer, and writes it. */
    private void write(SinkWriter writer, Row row, long id, String country, String note) {
        Arrays.fill(buffer, (byte) '#'); // the previous record's bytes are gone
        row.setLong(0, id);
        int used = put(row, 1, country, 0);
        if (note == null) {
            row.setNull(2);
        } else {
            put(row, 2, note, used);
        }
        row.setOrigin("orders", 0, offset++);
        writer.write(row);
    }

    private int put(Row row, int position, String text, int at) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, buffer, at, bytes.length);
        row.setString(position, buffer, at, bytes.length);
        return at + bytes.length;
    }

    private long committed;

    private void commit(IcebergSink sink, SinkWriter writer) {
        commit(sink, writer, 1);
    }

    private void commit(IcebergSink sink, SinkWriter writer, long checkpointId) {
        sink.committer()
                .prepare(
                        checkpoint(
                                sink.pipelineId(),
                                checkpointId,
                                offsets("orders", 0, committed),
                                offsets("orders", 0, offset)),
                        List.of(writer.prepareCommit(checkpointId)));
        sink.committer().commit(checkpointId);
        committed = offset;
    }

    /** Every row of the table: id → "country/note". */
    private Map<Long, String> rows(String table) {
        Map<Long, String> rows = new TreeMap<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(fixture.load(table)).build()) {
            for (Record record : records) {
                rows.put((Long) record.getField("id"), record.getField("country") + "/" + record.getField("note"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private Map<Long, String> writeOrders(IcebergSink sink, SinkWriter writer, int count) {
        Row row = new Row(sink.rowType(SinkFixture.EVENTS));
        Map<Long, String> expected = new TreeMap<>();
        for (long id = 0; id < count; id++) {
            String country = COUNTRIES[(int) (id % COUNTRIES.length)];
            String note = "note-" + id;
            write(writer, row, id, country, note);
            expected.put(id, country + "/" + note);
        }
        return expected;
    }

    private static TableConfig table(String name, List<String> partitionBy, int maxOpenFiles, List<String> sortBy) {
        return new TableConfig(name, partitionBy, 2, 0, maxOpenFiles, Map.of(), true, List.of(), sortBy, 1000);
    }

    @Test
    void parquetDictionariesAndStatisticsKeepEachRecordsStrings() {
        IcebergSink sink = fixture.open("append", table("shop.append", List.of(), 64, List.of()));
        SinkWriter writer = sink.createWriter(0);

        Map<Long, String> expected = writeOrders(sink, writer, 500);
        commit(sink, writer);

        assertThat(rows("shop.append")).isEqualTo(expected);
        Table table = fixture.load("shop.append");
        List<DataFile> files = new ArrayList<>();
        table.currentSnapshot().addedDataFiles(table.io()).forEach(files::add);
        assertThat(files).hasSize(1);
        DataFile file = files.get(0);
        assertThat(Conversions.<CharSequence>fromByteBuffer(
                                Types.StringType.get(), file.lowerBounds().get(2))
                        .toString())
                .isEqualTo("BR");
        assertThat(Conversions.<CharSequence>fromByteBuffer(
                                Types.StringType.get(), file.upperBounds().get(2))
                        .toString())
                .isEqualTo("US");
    }

    @Test
    void partitionKeysOfOpenFilesKeepTheirValuesAcrossEvictions() {
        // three open files at most for five partitions: files are closed and reopened by key
        IcebergSink sink = fixture.open("parts", table("shop.parts", List.of("country"), 3, List.of()));
        SinkWriter writer = sink.createWriter(0);

        Map<Long, String> expected = writeOrders(sink, writer, 200);
        commit(sink, writer);

        assertThat(rows("shop.parts")).isEqualTo(expected);
        Table table = fixture.load("shop.parts");
        table.currentSnapshot().addedDataFiles(table.io()).forEach(file -> {
            String partition = file.partition().get(0, CharSequence.class).toString();
            assertThat(file.lowerBounds().get(2))
                    .as("file %s", file.location())
                    .isEqualTo(Conversions.toByteBuffer(Types.StringType.get(), partition));
            assertThat(file.upperBounds().get(2))
                    .as("file %s", file.location())
                    .isEqualTo(Conversions.toByteBuffer(Types.StringType.get(), partition));
        });
    }

    @Test
    void sortBuffersKeepEachRecordsStrings() {
        IcebergSink sink = fixture.open("sorted", table("shop.sorted", List.of(), 64, List.of("note")));
        SinkWriter writer = sink.createWriter(0);

        Map<Long, String> expected = writeOrders(sink, writer, 300);
        commit(sink, writer);

        assertThat(rows("shop.sorted")).isEqualTo(expected);
    }

    @Test
    void routeKeysKeepTheTableTheyNamed() {
        IcebergSink sink = fixture.open("routed", SinkFixture.tables("routed.orders_${country}", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);

        Map<Long, String> expected = writeOrders(sink, writer, 100);
        commit(sink, writer);

        for (String country : COUNTRIES) {
            Map<Long, String> rows = rows("routed.orders_" + country.toLowerCase(java.util.Locale.ROOT));
            assertThat(rows).isNotEmpty();
            assertThat(rows.values()).allMatch(value -> value.startsWith(country + "/"));
        }
        assertThat(expected).hasSize(100);
    }

    @Test
    void upsertKeysKeepTheKeyOfTheirRecord() {
        IcebergSink sink = fixture.open(
                "up",
                new TableConfig(
                        "shop.latest",
                        List.of(),
                        2,
                        0,
                        64,
                        Map.of(),
                        true,
                        List.of(),
                        List.of(),
                        1000,
                        true,
                        List.of("country"),
                        "note = D"));
        SinkWriter writer = sink.createWriter(0);
        Row row = new Row(sink.rowType(SinkFixture.EVENTS));
        Map<String, String> expected = new TreeMap<>();
        long id = 0;
        for (; id < 50; id++) {
            String country = COUNTRIES[(int) (id % COUNTRIES.length)];
            write(writer, row, id, country, "n" + id);
            expected.put(country, "n" + id);
        }
        commit(sink, writer, 1);
        // the second checkpoint's equality deletes must name each key it updates, or the first
        // checkpoint's rows of that key stay visible
        for (; id < 60; id++) {
            String country = COUNTRIES[(int) (id % COUNTRIES.length)];
            write(writer, row, id, country, "n" + id);
            expected.put(country, "n" + id);
        }
        write(writer, row, id, "JP", "D");
        expected.remove("JP");
        commit(sink, writer, 2);

        Map<String, String> rows = new TreeMap<>();
        rows("shop.latest").values().forEach(value -> {
            String[] parts = value.split("/");
            assertThat(rows.put(parts[0], parts[1]))
                    .as("a second row of %s", parts[0])
                    .isNull();
        });
        assertThat(rows).isEqualTo(expected);
    }
}
