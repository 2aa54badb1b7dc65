package dev.floe.engine.spi.sink;

/**
 * What one writer produced between two barriers. The engine hands it, in memory, from the writer
 * to the committer; only the committer knows its concrete type.
 */
public interface WriteResult {
    /** Rows written. */
    long records();

    /** Bytes of files written. */
    long bytes();
}
