package dev.floe.iceberg;

import dev.floe.engine.spi.sink.WriteResult;
import java.util.List;
import org.apache.iceberg.DataFile;

/**
 * The data files one writer finished for a checkpoint.
 *
 * @param files the files, not yet visible
 * @param records rows in them
 * @param bytes their size
 */
record IcebergWriteResult(List<DataFile> files, long records, long bytes) implements WriteResult {
    IcebergWriteResult {
        files = List.copyOf(files);
    }
}
