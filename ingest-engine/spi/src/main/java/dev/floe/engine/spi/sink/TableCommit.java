package dev.floe.engine.spi.sink;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One commit that made a checkpoint's files visible in a table, as a sink reports it for metrics
 * and status.
 *
 * @param table the table, as the sink names it ({@code catalog.namespace.table})
 * @param checkpointId the newest checkpoint the commit holds
 * @param records rows the commit added
 * @param bytes bytes of the files the commit added
 * @param duration how long the commit took, retries within it included
 * @param fileSizes the size in bytes of every file the commit added
 */
public record TableCommit(
        String table, long checkpointId, long records, long bytes, Duration duration, List<Long> fileSizes) {
    public TableCommit {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(duration, "duration");
        fileSizes = List.copyOf(fileSizes);
    }

    /** Files the commit added. */
    public int files() {
        return fileSizes.size();
    }
}
