package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static dev.floe.iceberg.SinkFixture.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.SortField;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables with a sort order: created from sortBy, rows sorted within every data file, buffers bounded. */
class SortedFilesTest {
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

    private static TableConfig sorted(String table, List<String> partitionBy, List<String> sortBy, int bufferRows) {
        return new TableConfig(table, partitionBy, 2, 0, 64, Map.of(), true, List.of(), sortBy, bufferRows);
    }

    @Test
    void rowsAreSortedWithinEveryFileAndTheBufferStaysWithinItsBound() {
        IcebergSink sink = fixture.open("sorted", sorted("shop.sorted", List.of(), List.of("country", "id DESC"), 50));
        SinkWriter writer = sink.createWriter(0);
        String[] countries = {"FR", "DE", "US", "BR", "JP"};
        // ids rise while countries cycle: the input is far from the sort order
        SinkFixture.write(sink, writer, "orders", 0, 230, offset -> countries[(int) (offset * 7 % 5)]);
        sink.committer()
                .prepare(
                        checkpoint("sorted", 1, offsets("orders", 0, 0), offsets("orders", 0, 230)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);

        Table table = fixture.load("shop.sorted");
        SortOrder order = table.sortOrder();
        assertThat(order.fields())
                .extracting(SortField::direction, SortField::nullOrder)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(SortDirection.ASC, NullOrder.NULLS_FIRST),
                        org.assertj.core.groups.Tuple.tuple(SortDirection.DESC, NullOrder.NULLS_LAST));
        assertThat(fixture.ids("shop.sorted")).isEqualTo(range(0, 230));
        assertThat(((IcebergSinkWriter) writer).mostBufferedRows()).isEqualTo(50);

        Comparator<Record> expected = Comparator.<Record, String>comparing(
                        record -> record.getField("country").toString())
                .thenComparing(record -> (Long) record.getField("id"), Comparator.reverseOrder());
        List<FileScanTask> tasks = new ArrayList<>();
        try (CloseableIterable<FileScanTask> planned = table.newScan().planFiles()) {
            planned.forEach(tasks::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // 230 rows with at most 50 buffered: at least five files, each sorted on its own
        assertThat(tasks).hasSizeGreaterThanOrEqualTo(5);
        for (FileScanTask task : tasks) {
            assertThat(task.file().sortOrderId()).isEqualTo(order.orderId());
            List<Record> rows = readFile(table, task.file().location());
            assertThat(rows).as("rows of %s", task.file().location()).isSortedAccordingTo(expected);
        }
    }

    @Test
    void partitionedAndSortedFilesAreSortedWithinEachPartition() {
        IcebergSink sink =
                fixture.open("sorted", sorted("shop.by_country", List.of("country"), List.of("id desc"), 10_000));
        SinkWriter writer = sink.createWriter(0);
        SinkFixture.write(sink, writer, "orders", 0, 100, offset -> offset % 3 == 0 ? "FR" : "DE");
        sink.committer()
                .prepare(
                        checkpoint("sorted", 1, offsets("orders", 0, 0), offsets("orders", 0, 100)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);

        Table table = fixture.load("shop.by_country");
        List<FileScanTask> tasks = new ArrayList<>();
        try (CloseableIterable<FileScanTask> planned = table.newScan().planFiles()) {
            planned.forEach(tasks::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(tasks).hasSize(2);
        for (FileScanTask task : tasks) {
            List<Record> rows = readFile(table, task.file().location());
            assertThat(rows)
                    .extracting(record -> (Long) record.getField("id"))
                    .isSortedAccordingTo(Comparator.reverseOrder());
        }
        assertThat(fixture.ids("shop.by_country")).isEqualTo(range(0, 100));
    }

    @Test
    void sortExpressionsAreReadAsInTrinoAndRefusedWhenMalformed() {
        Schema schema = new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "at", Types.TimestampType.withZone()),
                Types.NestedField.optional(3, "name", Types.StringType.get()));
        SortOrder order =
                SortOrders.build(schema, List.of("day(at) desc", "bucket(8, id) ASC NULLS LAST", "truncate(2, name)"));
        assertThat(order.fields())
                .extracting(field -> field.transform().toString(), SortField::direction, SortField::nullOrder)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("day", SortDirection.DESC, NullOrder.NULLS_LAST),
                        org.assertj.core.groups.Tuple.tuple("bucket[8]", SortDirection.ASC, NullOrder.NULLS_LAST),
                        org.assertj.core.groups.Tuple.tuple("truncate[2]", SortDirection.ASC, NullOrder.NULLS_FIRST));
        assertThat(SortOrders.checkSyntax("id sideways"))
                .isEqualTo("cannot read sort expression 'id sideways': expected a column or year(col), month(col),"
                        + " day(col), hour(col), bucket(N, col), truncate(W, col), then optionally ASC or DESC and"
                        + " NULLS FIRST or NULLS LAST");
        assertThatThrownBy(() -> SortOrders.build(schema, List.of("missing desc")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot sort by 'missing desc': ");
    }

    private static List<Record> readFile(Table table, String location) {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = Parquet.read(table.io().newInputFile(location))
                .project(table.schema())
                .createReaderFunc(type -> GenericParquetReaders.buildReader(table.schema(), type))
                .build()) {
            records.forEach(rows::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
