package dev.floe.deploy.audit;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Objects;

/**
 * Something the audit found wrong with a table.
 *
 * @param kind what is wrong
 * @param table the table
 * @param partition the source partition, or null when the finding is not about one
 * @param from the first offset concerned (-1 when none)
 * @param to the offset after the last one concerned (-1 when none)
 * @param snapshotId the snapshot where it shows (-1 when none)
 * @param message what was found, in words
 */
record Finding(
        Kind kind, String table, SourcePartition partition, long from, long to, long snapshotId, String message) {
    Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(message, "message");
    }

    /** The kinds of finding, each named in docs/cli.md. */
    enum Kind {
        /** Offsets between two commits that no commit covers: rows lost. */
        GAP,
        /** Offsets two commits both cover: rows duplicated. */
        OVERLAP,
        /** A commit whose checkpoint id is not above its pipeline's previous commit's. */
        CHECKPOINT_NOT_INCREASING,
        /** A range that contradicts itself (rows outside it, more rows than offsets, an end before its start). */
        INVALID_RANGE,
        /** A snapshot with a {@code floe.*} summary that cannot be read. */
        UNREADABLE_SUMMARY,
        /** Offsets covered without a row that are neither in the dead-letter topic nor absent from Kafka. */
        UNACCOUNTED,
        /** The table does not exist, or has no Floe commit of the pipeline. */
        NO_COMMITS
    }
}
