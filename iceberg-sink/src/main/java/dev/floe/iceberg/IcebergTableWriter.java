package dev.floe.iceberg;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.WriteResult;
import dev.floe.iceberg.write.ParquetDefaults;
import dev.floe.iceberg.write.RowParquetWriters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one subtask's rows into Parquet data files of the table: one open file per partition
 * being written, rolled at the target size, at most a bounded number open (the least recently
 * written is closed first). Nothing is visible until the committer commits the files this writer
 * hands over at a barrier.
 */
final class IcebergTableWriter implements SinkWriter {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergTableWriter.class);
    /** Rows between two checks of a file's size; the check asks Parquet for its buffered size. */
    private static final int SIZE_CHECK_INTERVAL = 1024;

    private final IcebergSink sink;
    private final int subtask;
    private final LinkedHashMap<StructLike, OpenFile> open = new LinkedHashMap<>(16, 0.75f, true);
    private final List<DataFile> finished = new ArrayList<>();

    private RowType type;
    private Table table;
    private PartitionSpec spec;
    private PartitionKey partitionKey;
    private PartitionSource partitionSource;
    private OutputFileFactory files;
    private long targetFileSize;
    private OpenFile unpartitioned;
    private long records;
    private long bytes;
    /**
     * Finished files' sizes over Parquet's estimates of them just before they closed. Parquet
     * estimates an open file by its buffered, uncompressed pages, several times the compressed
     * size; files roll when the estimate times this ratio reaches the target, so that they come
     * out at the target size. 0 until a file finished.
     */
    private double sizeOverEstimate;

    IcebergTableWriter(IcebergSink sink, int subtask) {
        this.sink = sink;
        this.subtask = subtask;
    }

    @Override
    public void write(Row row) {
        if (row.type() != type) {
            bind(row.type());
        }
        OpenFile file;
        if (partitionKey == null) {
            if (unpartitioned == null) {
                unpartitioned = newFile(null);
            }
            file = unpartitioned;
        } else {
            partitionKey.partition(partitionSource.wrap(row));
            file = open.get(partitionKey);
            if (file == null) {
                StructLike key = partitionKey.copy();
                file = newFile(key);
                open.put(key, file);
                if (open.size() > sink.maxOpenFiles()) {
                    closeLeastRecent();
                }
            }
        }
        try {
            file.writer.write(row);
        } catch (IllegalArgumentException | ArithmeticException | ClassCastException e) {
            throw new BadRecordException(
                    IcebergErrorCode.VALUE_REJECTED,
                    "Cannot write the record into table " + sink.tableName() + ": " + e.getMessage(),
                    e);
        }
        records++;
        if (++file.rowsSinceCheck >= SIZE_CHECK_INTERVAL) {
            file.rowsSinceCheck = 0;
            double ratio = sizeOverEstimate == 0 ? 1 : sizeOverEstimate;
            if (file.writer.length() * ratio >= targetFileSize) {
                roll(file);
            }
        }
    }

    private void bind(RowType rowType) {
        if (type != null) {
            // a new schema: files written so far keep theirs
            closeAll();
        }
        IcebergSink.Binding binding = sink.binding(rowType);
        this.type = rowType;
        this.table = binding.writeTable;
        this.spec = table.spec();
        this.targetFileSize = sink.targetFileSize(table);
        this.files = OutputFileFactory.builderFor(table, subtask, System.currentTimeMillis())
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

    private OpenFile newFile(StructLike partition) {
        try {
            DataWriter<Row> writer = Parquet.writeData(
                            partition == null ? files.newOutputFile() : files.newOutputFile(spec, partition))
                    .forTable(table)
                    .setAll(ParquetDefaults.forTable(table.properties()))
                    .withSpec(spec)
                    .withPartition(partition)
                    .createWriterFunc(message -> RowParquetWriters.build(table.schema(), message))
                    .overwrite()
                    .build();
            return new OpenFile(writer, partition);
        } catch (IOException | UncheckedIOException e) {
            throw new RetriableException(
                    IcebergErrorCode.WRITE_FAILED,
                    "Cannot open a data file of table " + sink.tableName() + " in " + table.location() + ": " + e,
                    e);
        }
    }

    private void roll(OpenFile file) {
        finish(file);
        if (file == unpartitioned) {
            unpartitioned = null;
        } else {
            open.remove(file.partition);
        }
    }

    private void closeLeastRecent() {
        Iterator<Map.Entry<StructLike, OpenFile>> eldest = open.entrySet().iterator();
        OpenFile file = eldest.next().getValue();
        eldest.remove();
        finish(file);
    }

    private void finish(OpenFile file) {
        long estimate = file.writer.length();
        try {
            file.writer.close();
        } catch (IOException | UncheckedIOException e) {
            throw new RetriableException(
                    IcebergErrorCode.WRITE_FAILED,
                    "Cannot finish a data file of table " + sink.tableName() + ": " + e,
                    e);
        }
        DataFile dataFile = file.writer.toDataFile();
        finished.add(dataFile);
        bytes += dataFile.fileSizeInBytes();
        if (estimate > 0 && dataFile.recordCount() >= SIZE_CHECK_INTERVAL) {
            double observed = (double) dataFile.fileSizeInBytes() / estimate;
            sizeOverEstimate = sizeOverEstimate == 0 ? observed : (sizeOverEstimate + observed) / 2;
        }
    }

    private void closeAll() {
        if (unpartitioned != null) {
            finish(unpartitioned);
            unpartitioned = null;
        }
        for (OpenFile file : open.values()) {
            finish(file);
        }
        open.clear();
    }

    @Override
    public WriteResult prepareCommit(long checkpointId) {
        closeAll();
        WriteResult result = new IcebergWriteResult(finished, records, bytes);
        finished.clear();
        records = 0;
        bytes = 0;
        return result;
    }

    @Override
    public void close() {
        // nothing here was committed: abandon it, and delete what can be deleted
        List<OpenFile> abandoned = new ArrayList<>(open.values());
        if (unpartitioned != null) {
            abandoned.add(unpartitioned);
        }
        for (OpenFile file : abandoned) {
            try {
                file.writer.close();
                finished.add(file.writer.toDataFile());
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot close an abandoned file of table {}: {}", sink.tableName(), e.toString());
            }
        }
        for (DataFile file : finished) {
            try {
                table.io().deleteFile(file.location());
            } catch (RuntimeException e) {
                LOG.debug("Cannot delete uncommitted file {}: {}", file.location(), e.toString());
            }
        }
        open.clear();
        unpartitioned = null;
        finished.clear();
    }

    /** A data file being written, and how many rows went in since its size was last checked. */
    private static final class OpenFile {
        final DataWriter<Row> writer;
        final StructLike partition;
        int rowsSinceCheck;

        OpenFile(DataWriter<Row> writer, StructLike partition) {
            this.writer = writer;
            this.partition = partition;
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
                // a partition source inside a struct
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
