package dev.floe.iceberg;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowKind;
import dev.floe.engine.spi.row.RowType;
import dev.floe.iceberg.write.ParquetDefaults;
import dev.floe.iceberg.write.RowParquetWriters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrderComparators;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subtask's data files of one table: one open file per partition being written, rolled at the
 * target size, within the subtask's bound on open files (shared with its other tables). Rows the
 * table held when this run claimed it are skipped, by their origin; the rows written are counted
 * per source partition, for the commit's lineage.
 *
 * <p>A table with a sort order gets its rows sorted within each file: a file's rows are buffered
 * (copied off the fetch buffers) and written out sorted when the file closes, or when the
 * subtask's buffered rows over every table reach {@code sortBufferRows}.
 */
final class TableFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TableFiles.class);
    /** Rows between two checks of a file's size; the check asks Parquet for its buffered size. */
    private static final int SIZE_CHECK_INTERVAL = 1024;

    private static final Object UNPARTITIONED = new Object();

    private final IcebergSink sink;
    private final TableTarget target;
    private final int subtask;
    private final OpenFiles openFiles;
    private final Map<RowType, Bound> bound = new IdentityHashMap<>();
    private final List<DataFile> finished = new ArrayList<>();
    private final List<DeleteFile> deletes = new ArrayList<>();
    /** For an upsert table, each key's latest row of this checkpoint, in the order keys came. */
    private final Map<Row, Latest> latestByKey = new LinkedHashMap<>();
    /** For deletes, where the key columns are in rows of each type. */
    private final Map<RowType, DeleteKeys> deleteKeys = new IdentityHashMap<>();

    private RowType lastDeleteType;
    private DeleteKeys lastDeleteKeys;
    /** Whether the table was found missing by a delete and no row has created it since. */
    private boolean missing;

    private OffsetLineage lineage = new OffsetLineage();
    private RowType lastType;
    private Bound last;
    private PartitionOffsets skipBelow;
    private boolean skipRead;
    private long records;
    private long bytes;
    private long skipped;
    private String tableUuid;
    /**
     * Finished files' sizes over Parquet's estimates of them just before they closed. Parquet
     * estimates an open file by its buffered, uncompressed pages, several times the compressed
     * size; files roll when the estimate times this ratio reaches the target, so that they come
     * out at the target size. 0 until a file finished.
     */
    private double sizeOverEstimate;
    /** Whether rows were taken since the last {@link #finish}; read per row, so a plain field. */
    private boolean holdsRows;
    /**
     * When the first row since the last {@link #finish} was taken (epoch millis), {@link
     * TableTarget#NO_ROWS} for none; read by the metrics' thread for the table's freshness.
     */
    private volatile long firstRowMillis = TableTarget.NO_ROWS;

    TableFiles(IcebergSink sink, TableTarget target, int subtask, OpenFiles openFiles) {
        this.sink = sink;
        this.target = target;
        this.subtask = subtask;
        this.openFiles = openFiles;
        target.register(this);
    }

    /** When the oldest row taken and not yet handed over reached this writer, or {@link TableTarget#NO_ROWS}. */
    long firstRowMillis() {
        return firstRowMillis;
    }

    String tableName() {
        return target.name();
    }

    void write(Row row) {
        if (row.kind() == RowKind.DELETE) {
            delete(row);
            return;
        }
        Bound current = row.type() == lastType ? last : bind(row.type());
        missing = false;
        String topic = row.originTopic();
        if (held(row)) {
            return;
        }
        if (!holdsRows) {
            // once per checkpoint interval, not per row
            holdsRows = true;
            firstRowMillis = sink.clock().millis();
        }
        Row tableRow = current.binding.fitting == null ? row : current.binding.fitting.apply(row);
        if (current.binding.upsertKey != null) {
            upsert(current, tableRow, row);
            return;
        }
        OpenFile file = current.fileFor(tableRow);
        if (file.buffer != null) {
            // sorted when the file is written out; the row is copied off the fetch buffer
            file.buffer.add(tableRow.detach());
            if (topic != null) {
                lineage.add(topic, row.originPartition(), row.originOffset());
            }
            records++;
            if (openFiles.buffered()) {
                close(file);
            }
            return;
        }
        try {
            file.writer.write(tableRow);
        } catch (IllegalArgumentException | ArithmeticException | ClassCastException e) {
            throw new BadRecordException(
                    IcebergErrorCode.VALUE_REJECTED,
                    "Cannot write the record at " + topic + "-" + row.originPartition() + "@" + row.originOffset()
                            + " into table " + target.name() + ": " + e.getMessage(),
                    e);
        }
        if (topic != null) {
            lineage.add(topic, row.originPartition(), row.originOffset());
        }
        records++;
        if (++file.rowsSinceCheck >= SIZE_CHECK_INTERVAL) {
            file.rowsSinceCheck = 0;
            double ratio = sizeOverEstimate == 0 ? 1 : sizeOverEstimate;
            if (file.writer.length() * ratio >= current.targetFileSize) {
                close(file);
            }
        }
    }

    /** Whether the table held the row's record when this run claimed it: then it is skipped. */
    private boolean held(Row row) {
        String topic = row.originTopic();
        if (skipBelow != null && topic != null && row.originOffset() < skipBelow.get(topic, row.originPartition())) {
            skipped++;
            return true;
        }
        return false;
    }

    /**
     * Deletes the key a {@link RowKind#DELETE} row names: its key columns, found by name, since
     * the row may be of another type than the table's (a tombstone's key record). Binds nothing
     * new to the table: a delete neither creates nor evolves it, and deletes nothing from a table
     * that does not exist.
     */
    private void delete(Row row) {
        DeleteKeys keys = row.type() == lastDeleteType ? lastDeleteKeys : deleteKeys(row.type());
        if (keys == null) {
            return;
        }
        if (held(row)) {
            return;
        }
        keep(keys.key(row), new Latest(keys.bound, null), row);
    }

    /** Where the key columns are in rows of {@code type}; null when the table does not exist. */
    private DeleteKeys deleteKeys(RowType type) {
        DeleteKeys keys = deleteKeys.get(type);
        if (keys == null) {
            if (missing) {
                return null;
            }
            RowType own = target.existingRowType();
            if (own == null) {
                // nothing to delete; looked up again once a row creates the table
                missing = true;
                return null;
            }
            Bound owner = bind(own);
            UpsertKey upsertKey = owner.binding.upsertKey;
            if (upsertKey == null) {
                throw new IllegalStateException(
                        "Cannot delete from table " + target.name() + ": it is not written in mode upsert");
            }
            keys = new DeleteKeys(owner, upsertKey.positionsIn(type, target.name()));
            deleteKeys.put(type, keys);
        }
        lastDeleteType = type;
        lastDeleteKeys = keys;
        return keys;
    }

    /**
     * Keeps the row as its key's latest of this checkpoint, replacing an earlier one: a checkpoint
     * writes one row per key (none for a key whose latest record deletes it), and an equality delete
     * of every key it touched hides the key's rows of earlier checkpoints.
     */
    private void upsert(Bound current, Row tableRow, Row row) {
        UpsertKey upsertKey = current.binding.upsertKey;
        Row key = upsertKey.key(tableRow);
        keep(key, new Latest(current, upsertKey.deletes(tableRow) ? null : tableRow.detach()), row);
    }

    /** Makes {@code latest} the key's state at the end of this checkpoint, whatever came before. */
    private void keep(Row key, Latest latest, Row row) {
        if (latestByKey.put(key, latest) == null && openFiles.buffered()) {
            throw new FatalException(
                    IcebergErrorCode.UPSERT_BUFFER_FULL,
                    "Cannot upsert the record at " + row.originTopic() + "-" + row.originPartition() + "@"
                            + row.originOffset() + " into table " + target.name() + ": subtask " + subtask
                            + " holds " + latestByKey.size() + " distinct keys of this checkpoint, the bound"
                            + " sink.sortBufferRows; raise it or checkpoint more often");
        }
        if (row.originTopic() != null) {
            lineage.add(row.originTopic(), row.originPartition(), row.originOffset());
        }
        records++;
    }

    /** Writes the checkpoint's latest row of each upsert key, and the equality deletes of every key. */
    private void writeUpserts() {
        if (latestByKey.isEmpty()) {
            return;
        }
        Map<Bound, Map<Object, List<Row>>> rows = new IdentityHashMap<>();
        Map<Object, List<Row>> keys = new HashMap<>();
        Bound newest = null;
        for (Map.Entry<Row, Latest> entry : latestByKey.entrySet()) {
            Latest latest = entry.getValue();
            Bound owner = latest.bound;
            newest = owner;
            Object partition;
            if (latest.row == null) {
                // a delete: its key is in the same partition as the key's rows, which partition by key columns
                partition = owner.partitionOfKey(entry.getKey());
            } else {
                partition = owner.partitionOf(latest.row);
                rows.computeIfAbsent(owner, bound -> new HashMap<>())
                        .computeIfAbsent(partition, p -> new ArrayList<>())
                        .add(latest.row);
            }
            keys.computeIfAbsent(partition, p -> new ArrayList<>()).add(entry.getKey());
        }
        openFiles.unbuffered(latestByKey.size());
        latestByKey.clear();
        rows.forEach((owner, byPartition) -> byPartition.forEach((partition, list) -> {
            OpenFile file = new OpenFile(owner, partition, null);
            file.buffer = list;
            writeBuffered(file, false);
        }));
        for (Map.Entry<Object, List<Row>> entry : keys.entrySet()) {
            deletes.add(newest.writeEqualityDeletes(entry.getKey(), entry.getValue()));
        }
    }

    private Bound bind(RowType type) {
        Bound found = bound.get(type);
        if (found == null) {
            found = new Bound(target.binding(type));
            bound.put(type, found);
            if (tableUuid == null) {
                tableUuid = found.binding.tableUuid;
            }
        }
        if (!skipRead) {
            // read once the table is claimed, which binding ensures
            skipBelow = target.skipBelow();
            skipRead = true;
        }
        lastType = type;
        last = found;
        return found;
    }

    private void close(OpenFile file) {
        openFiles.remove(file);
        file.owner.files.remove(file.key);
        finish(file);
    }

    private void finish(OpenFile file) {
        if (file.buffer != null) {
            writeSorted(file);
            return;
        }
        finishWriter(file.writer);
    }

    private void finishWriter(DataWriter<Row> writer) {
        long estimate = writer.length();
        try {
            writer.close();
        } catch (IOException | UncheckedIOException e) {
            throw new RetriableException(
                    IcebergErrorCode.WRITE_FAILED, "Cannot finish a data file of table " + target.name() + ": " + e, e);
        }
        DataFile dataFile = writer.toDataFile();
        finished.add(dataFile);
        bytes += dataFile.fileSizeInBytes();
        if (estimate > 0 && dataFile.recordCount() >= SIZE_CHECK_INTERVAL) {
            double observed = (double) dataFile.fileSizeInBytes() / estimate;
            sizeOverEstimate = sizeOverEstimate == 0 ? observed : (sizeOverEstimate + observed) / 2;
        }
    }

    /**
     * Writes a buffered file's rows in the table's sort order, into as many files as the target
     * size asks for, each sorted.
     */
    private void writeSorted(OpenFile file) {
        writeBuffered(file, true);
    }

    private void writeBuffered(OpenFile file, boolean counted) {
        List<Row> rows = file.buffer;
        file.buffer = new ArrayList<>();
        if (counted) {
            openFiles.unbuffered(rows.size());
        }
        if (rows.isEmpty()) {
            return;
        }
        if (file.owner.order != null) {
            rows.sort(file.owner.order);
        }
        double ratio = sizeOverEstimate == 0 ? 1 : sizeOverEstimate;
        DataWriter<Row> writer = null;
        int sinceCheck = 0;
        for (Row row : rows) {
            if (writer == null) {
                writer = file.owner.newWriter(file.key);
            }
            try {
                writer.write(row);
            } catch (IllegalArgumentException | ArithmeticException | ClassCastException e) {
                // found only when the sorted rows are written, after the record was accepted
                throw new FatalException(
                        IcebergErrorCode.VALUE_REJECTED,
                        "Cannot write the record at " + row.originTopic() + "-" + row.originPartition() + "@"
                                + row.originOffset() + " into table " + target.name() + ": " + e.getMessage(),
                        e);
            }
            if (++sinceCheck >= SIZE_CHECK_INTERVAL) {
                sinceCheck = 0;
                if (writer.length() * ratio >= file.owner.targetFileSize) {
                    finishWriter(writer);
                    writer = null;
                }
            }
        }
        if (writer != null) {
            finishWriter(writer);
        }
    }

    /** Finishes every open file and hands over what was written since the last call; null for nothing. */
    IcebergWriteResult.TableWrite finish() {
        for (Bound each : bound.values()) {
            for (OpenFile file : new ArrayList<>(each.files.values())) {
                close(file);
            }
        }
        writeUpserts();
        if (skipped > 0) {
            LOG.info("Subtask {} skipped {} records table {} already held", subtask, skipped, target.name());
            skipped = 0;
        }
        long firstRow = firstRowMillis;
        holdsRows = false;
        firstRowMillis = TableTarget.NO_ROWS;
        if (finished.isEmpty() && deletes.isEmpty()) {
            return null;
        }
        IcebergWriteResult.TableWrite write = new IcebergWriteResult.TableWrite(
                tableUuid, finished, records, bytes, lineage.ranges(), deletes, firstRow);
        finished.clear();
        deletes.clear();
        lineage = new OffsetLineage();
        records = 0;
        bytes = 0;
        return write;
    }

    /** Abandons what was not handed over; uncommitted files are deleted where possible. */
    void abandon() {
        target.unregister(this);
        holdsRows = false;
        firstRowMillis = TableTarget.NO_ROWS;
        openFiles.unbuffered(latestByKey.size());
        latestByKey.clear();
        for (DeleteFile file : deletes) {
            try {
                bound.values().iterator().next().table.io().deleteFile(file.location());
            } catch (RuntimeException e) {
                LOG.debug("Cannot delete uncommitted file {}: {}", file.location(), e.toString());
            }
        }
        deletes.clear();
        for (Bound each : bound.values()) {
            for (OpenFile file : each.files.values()) {
                openFiles.remove(file);
                if (file.buffer != null) {
                    // nothing of it was written
                    openFiles.unbuffered(file.buffer.size());
                    file.buffer.clear();
                    continue;
                }
                try {
                    file.writer.close();
                    finished.add(file.writer.toDataFile());
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Cannot close an abandoned file of table {}: {}", target.name(), e.toString());
                }
            }
            each.files.clear();
        }
        for (DataFile file : finished) {
            try {
                bound.values().iterator().next().table.io().deleteFile(file.location());
            } catch (RuntimeException e) {
                LOG.debug("Cannot delete uncommitted file {}: {}", file.location(), e.toString());
            }
        }
        finished.clear();
    }

    /** The files of rows of one type: one open file per partition. */
    private final class Bound {
        final TableTarget.Binding binding;
        final Table table;
        final PartitionSpec spec;
        final PartitionKey partitionKey;
        final PartitionSource partitionSource;
        final OutputFileFactory factory;
        final long targetFileSize;
        /** The table's sort order over its rows; null when the table is unsorted. */
        final Comparator<StructLike> order;

        final Map<Object, OpenFile> files = new HashMap<>();

        Bound(TableTarget.Binding binding) {
            this.binding = binding;
            this.table = binding.writeTable;
            this.spec = table.spec();
            this.targetFileSize = sink.targetFileSize(table);
            this.order = table.sortOrder().isSorted()
                    ? SortOrderComparators.forSchema(table.schema(), table.sortOrder())
                    : null;
            this.factory = OutputFileFactory.builderFor(table, subtask, System.currentTimeMillis())
                    .format(FileFormat.PARQUET)
                    .operationId(sink.pipelineId() + "-" + UUID.randomUUID())
                    .build();
            if (spec.isUnpartitioned()) {
                this.partitionKey = null;
                this.partitionSource = null;
            } else {
                this.partitionKey = new PartitionKey(spec, table.schema());
                this.partitionSource = new PartitionSource();
            }
        }

        /** The partition of a table row, owned (copied); the unpartitioned marker for none. */
        Object partitionOf(Row row) {
            if (partitionKey == null) {
                return UNPARTITIONED;
            }
            partitionKey.partition(partitionSource.wrap(row));
            return partitionKey.copy();
        }

        /** The partition of a key's rows: the table partitions by key columns only (see {@link UpsertKey}). */
        Object partitionOfKey(Row key) {
            if (partitionKey == null) {
                return UNPARTITIONED;
            }
            Row row = new Row(binding.rowType);
            List<org.apache.iceberg.types.Types.NestedField> columns =
                    table.schema().columns();
            List<org.apache.iceberg.types.Types.NestedField> keyColumns =
                    key.type().struct().fields();
            for (int i = 0; i < keyColumns.size(); i++) {
                row.set(
                        columns.indexOf(
                                table.schema().findField(keyColumns.get(i).fieldId())),
                        key.get(i, Object.class));
            }
            return partitionOf(row);
        }

        /** Writes the equality deletes of {@code keys}, all of one partition. */
        DeleteFile writeEqualityDeletes(Object key, List<Row> keys) {
            StructLike partition = key == UNPARTITIONED ? null : (StructLike) key;
            UpsertKey upsertKey = binding.upsertKey;
            Schema keySchema = upsertKey.keySchema();
            EqualityDeleteWriter<Row> writer;
            try {
                writer = Parquet.writeDeletes(
                                partition == null ? factory.newOutputFile() : factory.newOutputFile(spec, partition))
                        .forTable(table)
                        .withSpec(spec)
                        .withPartition(partition)
                        .rowSchema(keySchema)
                        .createWriterFunc(message -> RowParquetWriters.build(keySchema, message))
                        .equalityFieldIds(upsertKey.fieldIds())
                        .overwrite()
                        .buildEqualityWriter();
                try (writer) {
                    for (Row each : keys) {
                        writer.write(each);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                throw new RetriableException(
                        IcebergErrorCode.WRITE_FAILED,
                        "Cannot write an equality delete file of table " + target.name() + " in " + table.location()
                                + ": " + e,
                        e);
            }
            DeleteFile file = writer.toDeleteFile();
            bytes += file.fileSizeInBytes();
            return file;
        }

        OpenFile fileFor(Row row) {
            Object key;
            if (partitionKey == null) {
                key = UNPARTITIONED;
            } else {
                partitionKey.partition(partitionSource.wrap(row));
                key = partitionKey;
            }
            OpenFile file = files.get(key);
            if (file == null) {
                Object owned = partitionKey == null ? UNPARTITIONED : partitionKey.copy();
                file = open(owned);
                files.put(owned, file);
                openFiles.add(file);
            } else {
                openFiles.touch(file);
            }
            return file;
        }

        private OpenFile open(Object key) {
            if (order != null) {
                return new OpenFile(this, key, null);
            }
            return new OpenFile(this, key, newWriter(key));
        }

        DataWriter<Row> newWriter(Object key) {
            StructLike partition = key == UNPARTITIONED ? null : (StructLike) key;
            try {
                Parquet.DataWriteBuilder builder = Parquet.writeData(
                                partition == null ? factory.newOutputFile() : factory.newOutputFile(spec, partition))
                        .forTable(table)
                        .setAll(ParquetDefaults.forTable(table.properties()))
                        .withSpec(spec)
                        .withPartition(partition)
                        .createWriterFunc(message -> RowParquetWriters.build(table.schema(), message))
                        .overwrite();
                if (order != null) {
                    builder.withSortOrder(table.sortOrder());
                }
                return builder.build();
            } catch (IOException | UncheckedIOException e) {
                throw new RetriableException(
                        IcebergErrorCode.WRITE_FAILED,
                        "Cannot open a data file of table " + target.name() + " in " + table.location() + ": " + e,
                        e);
            }
        }
    }

    /** An upsert key's latest row of the checkpoint, and how it binds; a null row deletes the key. */
    private record Latest(Bound bound, Row row) {}

    /** Where a delete's key columns are in rows of one type, and the table's binding they delete in. */
    private final class DeleteKeys {
        final Bound bound;
        final int[] positions;

        DeleteKeys(Bound bound, int[] positions) {
            this.bound = bound;
            this.positions = positions;
        }

        Row key(Row row) {
            return bound.binding.upsertKey.key(row, positions, target.name());
        }
    }

    /** A data file being written, and how many rows went in since its size was last checked. */
    private final class OpenFile extends OpenFiles.Entry {
        final Bound owner;
        final Object key;
        /** The file being written; null for a sorted table's file, whose rows are buffered. */
        final DataWriter<Row> writer;
        /** A sorted table's rows, until written out sorted; null for an unsorted table. */
        List<Row> buffer;

        int rowsSinceCheck;

        OpenFile(Bound owner, Object key, DataWriter<Row> writer) {
            this.owner = owner;
            this.key = key;
            this.writer = writer;
            this.buffer = writer == null ? new ArrayList<>() : null;
        }

        @Override
        void evict() {
            owner.files.remove(key);
            finish(this);
        }
    }

    /**
     * The row as partition transforms see it: strings as {@link String}s, so partition keys own
     * their values rather than slices of a fetch buffer.
     */
    private static final class PartitionSource implements StructLike {
        private Row row;

        StructLike wrap(Row current) {
            this.row = current;
            return this;
        }

        @Override
        public int size() {
            return row.size();
        }

        @Override
        public <T> T get(int position, Class<T> javaClass) {
            Object value = row.get(position, Object.class);
            if (value instanceof CharSequence) {
                return javaClass.cast(value.toString());
            }
            if (value instanceof Row) {
                return javaClass.cast(new PartitionSource().wrap((Row) value));
            }
            return javaClass.cast(value);
        }

        @Override
        public <T> void set(int position, T value) {
            throw new IllegalStateException("a partition source is read-only");
        }
    }
}
