package dev.floe.engine.spi.sink;

import dev.floe.engine.spi.row.Row;

/**
 * Writes the rows of one subtask. Called from that subtask's thread only; never thread-safe.
 *
 * <p>Nothing a writer writes is visible in the destination until the committer commits it.
 */
public interface SinkWriter extends AutoCloseable {
    /** Writes one row. The row may be reused by the caller once this returns. */
    void write(Row row);

    /**
     * Barrier {@code checkpointId} reached this subtask: finish every file written since the
     * previous barrier and describe them. The writer then starts afresh for the next checkpoint.
     */
    WriteResult prepareCommit(long checkpointId);

    /** Abandons whatever is open; uncommitted files are left for orphan cleanup. Idempotent. */
    @Override
    void close();
}
