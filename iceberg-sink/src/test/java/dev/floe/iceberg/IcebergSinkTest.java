package dev.floe.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.spi.sink.CheckpointInfo;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkContext;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.spi.sink.WriteResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink against a real Iceberg JDBC catalog on SQLite and a local warehouse. */
class IcebergSinkTest {
    private static final SourcePartition P0 = new SourcePartition("orders", 0);

    @TempDir
    Path directory;

    private CatalogConfig catalog;
    private final List<Sink> opened = new ArrayList<>();

    @BeforeEach
    void catalog() {
        catalog = new CatalogConfig(
                "floe",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
    }

    @AfterEach
    void close() {
        opened.forEach(Sink::close);
    }

    private Sink open(String pipeline, TableConfig table) {
        Sink sink = new IcebergSinkDefinition(pipeline, catalog, table).open(new SinkContext(pipeline, 1));
        opened.add(sink);
        return sink;
    }

    private static TableConfig table(List<String> partitionBy, long targetFileSize) {
        return new TableConfig("demo.orders", partitionBy, 2, targetFileSize, 64, Map.of(), true);
    }

    private Table load() {
        Catalog loaded = catalog.load();
        try {
            return loaded.loadTable(TableIdentifier.parse("demo.orders"));
        } finally {
            try {
                ((java.io.Closeable) loaded).close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static List<Record> rows(Table table) throws IOException {
        List<Record> records = new ArrayList<>();
        try (CloseableIterable<Record> iterable = IcebergGenerics.read(table).build()) {
            iterable.forEach(records::add);
        }
        return records;
    }

    private static CheckpointInfo checkpoint(long id, long offset) {
        return new CheckpointInfo(
                "orders", id, SourceOffsets.of(Map.of(P0, offset)), SourceOffsets.empty(), Instant.EPOCH);
    }

    private static final Schema ORDERS = new Schema(
            Types.NestedField.required(1, "order_id", Types.LongType.get()),
            Types.NestedField.required(2, "customer_id", Types.StringType.get()),
            Types.NestedField.required(3, "event_time", Types.TimestampType.withZone()),
            Types.NestedField.optional(4, "coupon", Types.StringType.get()));

    private static Row order(RowType type, long id, Instant at) {
        Row row = new Row(type);
        row.setLong(0, id);
        row.setReference(1, Utf8Slice.of("customer-" + (id % 7)));
        row.setLong(2, at.getEpochSecond() * 1_000_000L);
        row.setNull(3);
        return row;
    }

    /** Orders {@code from} to {@code to}, 43 seconds apart: about 2,000 a day. */
    private static List<WriteResult> write(Sink sink, SinkWriter writer, long checkpointId, long from, long to) {
        RowType type = sink.rowType(ORDERS);
        for (long id = from; id < to; id++) {
            writer.write(order(type, id, Instant.parse("2026-11-20T00:00:00Z").plusSeconds(id * 43)));
        }
        return List.of(writer.prepareCommit(checkpointId));
    }

    @Test
    void writesEveryTypeAndReadsItBackWithIcebergsGenericReader() throws IOException {
        Schema schema = new Schema(
                Types.NestedField.required(1, "b", Types.BooleanType.get()),
                Types.NestedField.required(2, "i", Types.IntegerType.get()),
                Types.NestedField.required(3, "l", Types.LongType.get()),
                Types.NestedField.required(4, "f", Types.FloatType.get()),
                Types.NestedField.required(5, "d", Types.DoubleType.get()),
                Types.NestedField.required(6, "small", Types.DecimalType.of(9, 2)),
                Types.NestedField.required(7, "price", Types.DecimalType.of(18, 4)),
                Types.NestedField.required(8, "wide", Types.DecimalType.of(30, 5)),
                Types.NestedField.required(9, "s", Types.StringType.get()),
                Types.NestedField.required(10, "u", Types.UUIDType.get()),
                Types.NestedField.required(11, "fx", Types.FixedType.ofLength(3)),
                Types.NestedField.required(12, "bin", Types.BinaryType.get()),
                Types.NestedField.required(13, "day", Types.DateType.get()),
                Types.NestedField.required(14, "clock", Types.TimeType.get()),
                Types.NestedField.required(15, "local", Types.TimestampType.withoutZone()),
                Types.NestedField.required(16, "instant", Types.TimestampType.withZone()),
                Types.NestedField.optional(17, "missing", Types.StringType.get()),
                Types.NestedField.optional(
                        18,
                        "address",
                        Types.StructType.of(
                                Types.NestedField.required(30, "city", Types.StringType.get()),
                                Types.NestedField.optional(31, "zip", Types.IntegerType.get()))),
                Types.NestedField.optional(19, "tags", Types.ListType.ofOptional(32, Types.StringType.get())),
                Types.NestedField.optional(
                        20, "scores", Types.MapType.ofOptional(33, 34, Types.StringType.get(), Types.DoubleType.get())),
                Types.NestedField.optional(21, "empty", Types.ListType.ofRequired(35, Types.LongType.get())));
        Sink sink = open("types", table(List.of(), 0));
        RowType type = sink.rowType(schema);
        UUID uuid = UUID.randomUUID();
        Row row = new Row(type);
        row.setBoolean(0, true);
        row.setInt(1, -7);
        row.setLong(2, Long.MAX_VALUE);
        row.setFloat(3, Float.NaN);
        row.setDouble(4, -0.5);
        row.setLong(5, 12345);
        row.setLong(6, -98_765_432_1L);
        row.setReference(7, new BigDecimal("-1234567890123456789012.34567"));
        byte[] buffer = "xxhello wörldyy".getBytes(StandardCharsets.UTF_8);
        row.setReference(8, Utf8Slice.wrap(buffer, 2, buffer.length - 4));
        row.setReference(9, uuid);
        row.setReference(10, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        row.setReference(11, ByteBuffer.wrap(new byte[] {9, 8}));
        row.setInt(12, 20_000);
        row.setLong(13, 3_600_000_001L);
        row.setLong(14, 1_700_000_000_000_001L);
        row.setLong(15, 1_700_000_000_000_002L);
        row.setNull(16);
        Row address = new Row(type.nested(17));
        address.setReference(0, Utf8Slice.of("Lyon"));
        address.setNull(1);
        row.setReference(17, address);
        List<Object> tags = new ArrayList<>();
        tags.add(Utf8Slice.of("a"));
        tags.add(null);
        row.setReference(18, tags);
        Map<Object, Object> scores = new LinkedHashMap<>();
        scores.put(Utf8Slice.of("x"), 1.5);
        scores.put(Utf8Slice.of("y"), null);
        row.setReference(19, scores);
        row.setReference(20, List.of());
        SinkWriter writer = sink.createWriter(0);
        writer.write(row);

        sink.committer().prepare(checkpoint(1, 1), List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);

        Record read = rows(load()).get(0);
        assertThat(read.getField("b")).isEqualTo(true);
        assertThat(read.getField("i")).isEqualTo(-7);
        assertThat(read.getField("l")).isEqualTo(Long.MAX_VALUE);
        assertThat((Float) read.getField("f")).isNaN();
        assertThat(read.getField("d")).isEqualTo(-0.5);
        assertThat(read.getField("small")).isEqualTo(new BigDecimal("123.45"));
        assertThat(read.getField("price")).isEqualTo(new BigDecimal("-98765.4321"));
        assertThat(read.getField("wide")).isEqualTo(new BigDecimal("-1234567890123456789012.34567"));
        assertThat(read.getField("s")).isEqualTo("hello wörld");
        assertThat(read.getField("u")).isEqualTo(uuid);
        assertThat(read.getField("fx")).isEqualTo(new byte[] {1, 2, 3});
        assertThat(read.getField("bin")).isEqualTo(ByteBuffer.wrap(new byte[] {9, 8}));
        assertThat(read.getField("day")).isEqualTo(LocalDate.ofEpochDay(20_000));
        assertThat(read.getField("clock")).isEqualTo(LocalTime.ofNanoOfDay(3_600_000_001_000L));
        assertThat(read.getField("local"))
                .isEqualTo(LocalDateTime.ofEpochSecond(1_700_000_000L, 1_000, ZoneOffset.UTC));
        assertThat(read.getField("instant"))
                .isEqualTo(OffsetDateTime.ofInstant(Instant.ofEpochSecond(1_700_000_000L, 2_000), ZoneOffset.UTC));
        assertThat(read.getField("missing")).isNull();
        Record readAddress = (Record) read.getField("address");
        assertThat(readAddress.getField("city")).isEqualTo("Lyon");
        assertThat(readAddress.getField("zip")).isNull();
        assertThat(new ArrayList<Object>((List<?>) read.getField("tags"))).containsExactly("a", null);
        assertThat(new LinkedHashMap<Object, Object>((Map<?, ?>) read.getField("scores")))
                .containsEntry("x", 1.5)
                .containsEntry("y", null);
        assertThat((List<?>) read.getField("empty")).isEmpty();
    }

    @Test
    void commitsEachCheckpointOnceWithTheFloeSummaryAndATag() throws IOException {
        Sink sink = open("orders", table(List.of(), 0));
        SinkWriter writer = sink.createWriter(0);

        sink.committer().prepare(checkpoint(1, 10), write(sink, writer, 1, 0, 10));
        sink.committer().commit(1);
        sink.committer().commit(1);
        sink.committer().prepare(checkpoint(2, 25), write(sink, writer, 2, 10, 25));
        sink.committer().commit(2);

        Table table = load();
        assertThat(rows(table)).hasSize(25);
        List<Snapshot> snapshots = new ArrayList<>();
        table.snapshots().forEach(snapshots::add);
        assertThat(snapshots).hasSize(2);
        Snapshot latest = table.currentSnapshot();
        assertThat(latest.summary())
                .containsEntry("floe.pipeline", "orders")
                .containsEntry("floe.checkpoint-id", "2")
                .containsEntry("floe.offsets", "{\"orders\":{\"0\":25}}");
        assertThat(table.refs().get("floe-orders").snapshotId()).isEqualTo(latest.snapshotId());
        assertThat(sink.committed()).contains(new CommittedPosition(2, SourceOffsets.of(Map.of(P0, 25L))));
    }

    @Test
    void skipsCheckpointsTheTableAlreadyHoldsWhenRestoredFromAnOlderState() throws IOException {
        Sink sink = open("orders", table(List.of(), 0));
        SinkWriter writer = sink.createWriter(0);
        byte[] state = sink.committer().prepare(checkpoint(1, 10), write(sink, writer, 1, 0, 10));
        sink.committer().commit(1);

        // a restart from the checkpoint stored before the commit: the table already has it
        Sink restarted = open("orders", table(List.of(), 0));
        restarted.committer().restore(checkpoint(1, 10), state);
        restarted.committer().commit(1);

        Table table = load();
        assertThat(rows(table)).hasSize(10);
        assertThat(table.snapshots()).hasSize(1);
        assertThat(restarted.committer().pendingCheckpoints()).isZero();
    }

    @Test
    void commitsSeveralPreparedCheckpointsInOneAppendUnderTheNewestId() throws IOException {
        Sink sink = open("orders", table(List.of(), 0));
        SinkWriter writer = sink.createWriter(0);
        sink.committer().prepare(checkpoint(1, 5), write(sink, writer, 1, 0, 5));
        sink.committer().prepare(checkpoint(2, 9), write(sink, writer, 2, 5, 9));
        assertThat(sink.committer().pendingCheckpoints()).isEqualTo(2);

        sink.committer().commit(2);

        Table table = load();
        assertThat(rows(table)).hasSize(9);
        assertThat(table.snapshots()).hasSize(1);
        assertThat(table.currentSnapshot().summary()).containsEntry("floe.checkpoint-id", "2");
    }

    @Test
    void partitionsByDayAndRollsFilesAtTheTargetSize() throws IOException {
        Sink sink = open("orders", table(List.of("day(event_time)"), 1));
        SinkWriter writer = sink.createWriter(0);

        List<WriteResult> results = write(sink, writer, 1, 0, 40_000);
        sink.committer().prepare(checkpoint(1, 40_000), results);
        sink.committer().commit(1);

        Table table = load();
        assertThat(table.spec().fields()).hasSize(1);
        List<DataFile> files = new ArrayList<>();
        table.newScan().planFiles().forEach(task -> files.add(task.file()));
        long days = files.stream()
                .map(file -> file.partition().get(0, Integer.class))
                .distinct()
                .count();
        assertThat(days).isEqualTo(20);
        assertThat(files.size())
                .as("a tiny target size rolls files every check")
                .isGreaterThan((int) days);
        assertThat(rows(table)).hasSize(40_000);
    }
}
