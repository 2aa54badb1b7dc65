package dev.floe.iceberg;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.spi.sink.CheckpointInfo;
import dev.floe.engine.spi.sink.CommitObserver;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkContext;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.iceberg.testing.FaultInjectingJdbcCatalog;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Sinks on a real Iceberg JDBC catalog on SQLite in a temporary directory, loaded as Floe loads
 * any catalog, with faults a test can arm ({@link FaultInjectingJdbcCatalog}); and what a test
 * needs to feed them rows with origins and read the tables back with Iceberg's generic reader.
 */
final class SinkFixture implements AutoCloseable {
    static final Schema EVENTS = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.required(2, "country", Types.StringType.get()),
            Types.NestedField.optional(3, "note", Types.StringType.get()));

    final CatalogConfig catalog;
    private final List<Sink> opened = new ArrayList<>();

    SinkFixture(Path directory) {
        catalog = new CatalogConfig(
                "floe",
                CatalogConfig.CUSTOM,
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of(CatalogConfig.CATALOG_IMPL, FaultInjectingJdbcCatalog.class.getName()));
    }

    static TableConfig tables(String template, int maxOpenFiles, List<String> formerIds) {
        // refused commits are not retried inside Iceberg: the tests see the refusal at once
        return new TableConfig(
                template, List.of(), 2, 0, maxOpenFiles, Map.of("commit.retry.num-retries", "0"), true, formerIds);
    }

    IcebergSink open(String pipeline, TableConfig tables) {
        return open(pipeline, tables, new SinkContext(pipeline, 1));
    }

    /** A sink on {@code clock}, its commits told to {@code commits}. */
    IcebergSink open(String pipeline, TableConfig tables, Clock clock, CommitObserver commits) {
        return open(pipeline, tables, new SinkContext(pipeline, 1, commits, clock));
    }

    private IcebergSink open(String pipeline, TableConfig tables, SinkContext context) {
        IcebergSink sink = (IcebergSink) new IcebergSinkDefinition(pipeline, catalog, tables).open(context);
        opened.add(sink);
        return sink;
    }

    /** A row of {@link #EVENTS} from {@code topic}-{@code partition} at {@code offset}. */
    static Row event(RowType type, String topic, int partition, long offset, String country) {
        Row row = new Row(type);
        row.setLong(0, offset);
        row.setReference(1, Utf8Slice.of(country));
        row.setNull(2);
        row.setOrigin(topic, partition, offset);
        return row;
    }

    static SourcePartition partition(String topic, int partition) {
        return new SourcePartition(topic, partition);
    }

    static CheckpointInfo checkpoint(String pipeline, long id, SourceOffsets start, SourceOffsets end) {
        return new CheckpointInfo(pipeline, id, end, start, Instant.EPOCH);
    }

    static SourceOffsets offsets(Object... topicPartitionOffset) {
        Map<SourcePartition, Long> offsets = new HashMap<>();
        for (int i = 0; i < topicPartitionOffset.length; i += 3) {
            offsets.put(
                    new SourcePartition((String) topicPartitionOffset[i], (Integer) topicPartitionOffset[i + 1]),
                    ((Number) topicPartitionOffset[i + 2]).longValue());
        }
        return SourceOffsets.of(offsets);
    }

    /**
     * Writes the records of {@code topic}-0 at offsets {@code [from, to)} through {@code writer},
     * the country of each given by {@code country}.
     */
    static void write(Sink sink, SinkWriter writer, String topic, long from, long to, Function<Long, String> country) {
        RowType type = sink.rowType(EVENTS);
        for (long offset = from; offset < to; offset++) {
            writer.write(event(type, topic, 0, offset, country.apply(offset)));
        }
    }

    <T> T withCatalog(Function<Catalog, T> action) {
        Catalog loaded = catalog.load();
        try {
            return action.apply(loaded);
        } finally {
            try {
                ((Closeable) loaded).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Table load(String table) {
        return withCatalog(loaded -> loaded.loadTable(TableIdentifier.parse(table)));
    }

    boolean exists(String table) {
        return withCatalog(loaded -> {
            try {
                loaded.loadTable(TableIdentifier.parse(table));
                return true;
            } catch (NoSuchTableException e) {
                return false;
            }
        });
    }

    /** The ids of every row of the table's current snapshot. */
    List<Long> ids(String table) {
        List<Long> ids = new ArrayList<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(load(table)).build()) {
            rows.forEach(row -> ids.add((Long) row.getField("id")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ids.sort(Long::compare);
        return ids;
    }

    /** The summaries of the table's snapshots, oldest first. */
    List<Map<String, String>> summaries(String table) {
        List<Map<String, String>> summaries = new ArrayList<>();
        for (Snapshot snapshot : load(table).snapshots()) {
            summaries.add(snapshot.summary());
        }
        return summaries;
    }

    static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long value = from; value < to; value++) {
            values.add(value);
        }
        return values;
    }

    @Override
    public void close() {
        FaultInjectingJdbcCatalog.disarmAll();
        opened.forEach(Sink::close);
    }
}
