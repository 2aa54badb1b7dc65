package dev.floe.engine.spi.service;

import java.util.List;
import java.util.Objects;

/**
 * One compaction run on one table, as the HTTP API and the dashboard show it.
 *
 * @param table the table's name
 * @param startedAtMillis when the run started, epoch milliseconds
 * @param trigger why it ran: the background trigger that fired, or {@code request}
 * @param outcome how it ended
 * @param snapshotId the snapshot the run was planned from, -1 for an empty table
 * @param filesBefore data files in the table when the run started
 * @param filesAfter data files when it ended (equal to {@code filesBefore} for a dry run)
 * @param rewrittenFiles data files replaced (planned, for a dry run)
 * @param addedFiles data files written (expected, for a dry run)
 * @param rewrittenBytes bytes of the replaced files (planned, for a dry run)
 * @param addedBytes bytes of the written files (0 for a dry run)
 * @param durationMillis how long planning, rewriting and committing took
 * @param groups each planned bin, in the order they ran
 * @param failure why the run failed as a whole, or an empty string
 */
public record CompactionRun(
        String table,
        long startedAtMillis,
        String trigger,
        Outcome outcome,
        long snapshotId,
        long filesBefore,
        long filesAfter,
        long rewrittenFiles,
        long addedFiles,
        long rewrittenBytes,
        long addedBytes,
        long durationMillis,
        List<Group> groups,
        String failure) {
    public CompactionRun {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(failure, "failure");
        groups = List.copyOf(groups);
    }

    /** How a run ended. */
    public enum Outcome {
        /** every planned bin was committed */
        COMMITTED,
        /** some bins were committed, others were dropped (conflict) or failed */
        PARTIAL,
        /** no bin was committed */
        FAILED,
        /** the table had nothing to compact */
        NOTHING_TO_DO,
        /** a dry run: planned, nothing written */
        PLANNED
    }

    /**
     * One bin of the run.
     *
     * @param partition the partition path, empty for an unpartitioned table
     * @param inputFiles data files read
     * @param inputBytes their bytes
     * @param outputFiles data files written (expected, for a dry run)
     * @param outputBytes their bytes (0 for a dry run)
     * @param failure why the bin was not committed, or an empty string
     */
    public record Group(
            String partition, long inputFiles, long inputBytes, long outputFiles, long outputBytes, String failure) {
        public Group {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(failure, "failure");
        }
    }
}
