package dev.floe.iceberg;

import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.spi.sink.WriteResult;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;

/**
 * What one writer finished for a checkpoint, per table.
 *
 * @param tables the files of each table written, by name
 * @param mostOpenFiles the most data files the writer had open at once so far
 */
record IcebergWriteResult(Map<String, TableWrite> tables, int mostOpenFiles) implements WriteResult {
    IcebergWriteResult {
        tables = Map.copyOf(tables);
    }

    @Override
    public long records() {
        return tables.values().stream().mapToLong(TableWrite::records).sum();
    }

    @Override
    public long bytes() {
        return tables.values().stream().mapToLong(TableWrite::bytes).sum();
    }

    /**
     * The data files one writer finished for one table.
     *
     * @param tableUuid the uuid of the table they were written for
     * @param files the files, not yet visible
     * @param records rows in them
     * @param bytes their size
     * @param lineage where their rows came from
     * @param deletes for an upsert table, the equality delete files of the keys written
     * @param firstRowMillis when the first of their rows reached the writer (epoch millis), for the
     *     table's freshness and commit policy
     */
    record TableWrite(
            String tableUuid,
            List<DataFile> files,
            long records,
            long bytes,
            Map<SourcePartition, OffsetLineage.Range> lineage,
            List<DeleteFile> deletes,
            long firstRowMillis) {
        TableWrite {
            files = List.copyOf(files);
            lineage = Map.copyOf(lineage);
            deletes = List.copyOf(deletes);
        }

        TableWrite(
                String tableUuid,
                List<DataFile> files,
                long records,
                long bytes,
                Map<SourcePartition, OffsetLineage.Range> lineage,
                long firstRowMillis) {
            this(tableUuid, files, records, bytes, lineage, List.of(), firstRowMillis);
        }
    }
}
