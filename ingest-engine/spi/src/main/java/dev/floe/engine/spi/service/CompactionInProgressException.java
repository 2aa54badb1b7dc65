package dev.floe.engine.spi.service;

/** A compaction was asked for on a table whose previous run has not ended; ask again later. */
public final class CompactionInProgressException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompactionInProgressException(String message) {
        super(message);
    }
}
