package dev.floe.it.exactlyonce;

import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.iceberg.SnapshotMarkers;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;

/** Reads a table the way any Iceberg client would, with a catalog of its own. */
public final class TableProbe {
    private final CatalogConfig catalog;
    private final TableIdentifier table;

    public TableProbe(CatalogConfig catalog, String table) {
        this.catalog = catalog;
        this.table = TableIdentifier.parse(table);
    }

    /** The newest checkpoint the pipeline committed, or 0. */
    public long committedCheckpoint(String pipelineId) {
        return withTable(loaded -> loaded == null
                ? 0L
                : SnapshotMarkers.latest(loaded, pipelineId)
                        .map(CommittedPosition::checkpointId)
                        .orElse(0L));
    }

    /** The values of a long column in every row of the table's current snapshot. */
    public List<Long> longColumn(String column) {
        return withTable(loaded -> {
            List<Long> values = new ArrayList<>();
            if (loaded == null) {
                return values;
            }
            try (CloseableIterable<Record> rows =
                    IcebergGenerics.read(loaded).select(column).build()) {
                rows.forEach(row -> values.add((Long) row.getField(column)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return values;
        });
    }

    /** The {@code floe.*} summaries of the table's snapshots, oldest first. */
    public List<Map<String, String>> summaries() {
        return withTable(loaded -> {
            List<Map<String, String>> summaries = new ArrayList<>();
            if (loaded != null) {
                loaded.snapshots().forEach(snapshot -> summaries.add(snapshot.summary()));
            }
            return summaries;
        });
    }

    /** Every row of the table's current snapshot. */
    public List<Record> rows() {
        return withTable(loaded -> {
            List<Record> rows = new ArrayList<>();
            if (loaded == null) {
                return rows;
            }
            try (CloseableIterable<Record> records =
                    IcebergGenerics.read(loaded).build()) {
                records.forEach(rows::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return rows;
        });
    }

    private <T> T withTable(java.util.function.Function<Table, T> action) {
        Catalog loaded = catalog.load();
        try {
            Table found;
            try {
                found = loaded.loadTable(table);
            } catch (NoSuchTableException e) {
                found = null;
            }
            return action.apply(found);
        } finally {
            try {
                ((Closeable) loaded).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
