package dev.floe.engine.spi.service;

import java.util.List;
import java.util.Optional;

/**
 * What a running compaction service offers the HTTP API: a run on request, the recent runs, and
 * the sizes of a table's data files. Found through {@link BackgroundService#tableCompactions()},
 * so the engine reaches the compactor only through this contract.
 */
public interface TableCompactions {
    /** The tables this service keeps, by their names in the catalog. */
    List<String> tables();

    /**
     * Compacts {@code table} now, on the calling thread, and answers what the run did (or, for a
     * dry run, what it would do).
     *
     * @throws IllegalArgumentException when the service does not keep {@code table}
     * @throws CompactionInProgressException when a run on {@code table} has not ended yet
     */
    CompactionRun compactNow(String table, CompactionRequest request);

    /** The table's recent runs (background and requested), newest first; empty when none. */
    List<CompactionRun> recentRuns(String table);

    /** The sizes of the data files in the table's current snapshot; empty when it has none. */
    Optional<FileSizeDistribution> fileSizes(String table);
}
