package dev.floe.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.SortOrderComparators;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.PartitionUtil;

/**
 * Rewrites one bin: reads its data files with Iceberg's generic Parquet reader, drops the rows
 * their position deletes, equality deletes and deletion vectors remove, and writes what is left
 * with Iceberg's Parquet writer into files cut at the target size, sorted by the table's sort order
 * when it has one. Nothing is committed here.
 */
final class GroupRewriter {
    /** How often the open file's size is checked, in rows: its length is an estimate worth reusing. */
    private static final int ROLL_CHECK_ROWS = 1000;

    private final Table table;
    private final long targetFileSize;
    private final String operationId = "floe-compaction-" + UUID.randomUUID();

    GroupRewriter(Table table, long targetFileSize) {
        this.table = table;
        this.targetFileSize = targetFileSize;
    }

    /**
     * The files the bin becomes.
     *
     * @param taskId distinguishes the bins of one run in the new files' names
     */
    List<DataFile> rewrite(PlannedGroup planned, int taskId) {
        Schema schema = table.schema();
        PartitionSpec spec = table.specs().get(planned.group().outputSpecId());
        StructLike partition =
                spec.isUnpartitioned() ? null : planned.group().info().partition();
        SortOrder order = table.sortOrder();
        OutputFileFactory files = OutputFileFactory.builderFor(
                        table, planned.group().info().globalIndex(), taskId)
                .format(FileFormat.PARQUET)
                .operationId(operationId)
                .build();
        // output files near the target: the bin's bytes spread over the files Iceberg expects
        long rollAt = Math.min(
                planned.group().maxOutputFileSize(),
                Math.max(targetFileSize / 4, planned.inputBytes() / Math.max(1, planned.expectedOutputFiles())));
        try (RollingWriter writer = new RollingWriter(files, spec, partition, schema, order, rollAt)) {
            if (order.isSorted()) {
                List<Record> rows = new ArrayList<>();
                for (FileScanTask task : planned.group().fileScanTasks()) {
                    try (CloseableIterable<Record> live = liveRows(task, schema)) {
                        live.forEach(rows::add);
                    }
                }
                rows.sort(comparator(schema, order));
                for (Record row : rows) {
                    writer.write(row);
                }
            } else {
                for (FileScanTask task : planned.group().fileScanTasks()) {
                    try (CloseableIterable<Record> live = liveRows(task, schema)) {
                        for (Record row : live) {
                            writer.write(row);
                        }
                    }
                }
            }
            return writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot rewrite " + planned.inputFiles() + " files of partition '" + planned.partition()
                            + "' of table " + table.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The task's rows that no delete file removes, in the table schema's column order. */
    private CloseableIterable<Record> liveRows(FileScanTask task, Schema schema) {
        if (task.file().format() != FileFormat.PARQUET) {
            throw new IllegalStateException(
                    "Cannot rewrite data file " + task.file().location() + " of table " + table.name()
                            + ": compaction reads Parquet files only, this one is "
                            + task.file().format());
        }
        GenericDeleteFilter deletes = new GenericDeleteFilter(table.io(), task, schema, schema);
        // the table's columns first, then what applying the deletes needs (the row position)
        Schema readSchema = deletes.requiredSchema();
        Map<Integer, ?> constants = PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
        CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(task.file()))
                .project(readSchema)
                .split(task.start(), task.length())
                .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(readSchema, fileSchema, constants))
                .build();
        return deletes.filter(rows);
    }

    private static Comparator<Record> comparator(Schema schema, SortOrder order) {
        Comparator<StructLike> structs = SortOrderComparators.forSchema(schema, order);
        // the comparator reads Iceberg's internal values (micros, days): wrap each side on its own
        InternalRecordWrapper left = new InternalRecordWrapper(schema.asStruct());
        InternalRecordWrapper right = new InternalRecordWrapper(schema.asStruct());
        return (a, b) -> structs.compare(left.wrap(a), right.wrap(b));
    }

    /** Parquet data files of one partition, a new one whenever the open one reaches the roll size. */
    private final class RollingWriter implements AutoCloseable {
        private final OutputFileFactory files;
        private final PartitionSpec spec;
        private final StructLike partition;
        private final Schema schema;
        private final SortOrder order;
        private final long rollAt;
        private final List<DataFile> written = new ArrayList<>();
        private DataWriter<Record> open;
        private long rowsInOpen;
        private boolean finished;

        RollingWriter(
                OutputFileFactory files,
                PartitionSpec spec,
                StructLike partition,
                Schema schema,
                SortOrder order,
                long rollAt) {
            this.files = files;
            this.spec = spec;
            this.partition = partition;
            this.schema = schema;
            this.order = order;
            this.rollAt = rollAt;
        }

        void write(Record row) throws IOException {
            if (open == null) {
                open = Parquet.writeData(files.newOutputFile(spec, partition))
                        .schema(schema)
                        .createWriterFunc(GenericParquetWriter::create)
                        .setAll(table.properties())
                        .withSpec(spec)
                        .withPartition(partition)
                        .withSortOrder(order)
                        .overwrite()
                        .build();
                rowsInOpen = 0;
            }
            open.write(row);
            rowsInOpen++;
            if (rowsInOpen % ROLL_CHECK_ROWS == 0 && open.length() >= rollAt) {
                closeOpen();
            }
        }

        List<DataFile> finish() throws IOException {
            closeOpen();
            finished = true;
            return List.copyOf(written);
        }

        private void closeOpen() throws IOException {
            if (open != null) {
                open.close();
                written.add(open.toDataFile());
                open = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (finished) {
                return;
            }
            // a failed rewrite: nothing it wrote is committed; remove it
            closeOpen();
            for (DataFile file : written) {
                table.io().deleteFile(file.location());
            }
        }
    }
}
