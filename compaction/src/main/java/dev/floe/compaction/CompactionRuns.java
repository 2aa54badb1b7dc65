package dev.floe.compaction;

import dev.floe.engine.spi.service.CompactionRun;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/**
 * Turns a plan or a result into the engine's {@link CompactionRun}, for the API and the dashboard,
 * under the table's name as configured (Iceberg's own names carry the catalog's).
 */
final class CompactionRuns {
    private CompactionRuns() {}

    /** What a finished run did. */
    static CompactionRun of(
            String table,
            CompactionResult result,
            String trigger,
            long startedAt,
            long filesBefore,
            long filesAfter,
            long took) {
        List<CompactionRun.Group> groups = new ArrayList<>();
        for (GroupResult group : result.groups()) {
            groups.add(new CompactionRun.Group(
                    group.partition(),
                    group.inputFiles(),
                    group.inputBytes(),
                    group.outputFiles(),
                    group.outputBytes(),
                    group.failure() == null ? "" : group.failure()));
        }
        long added = result.groups().stream()
                .filter(GroupResult::committed)
                .mapToLong(GroupResult::outputBytes)
                .sum();
        CompactionRun.Outcome outcome;
        if (result.groups().isEmpty()) {
            outcome = CompactionRun.Outcome.NOTHING_TO_DO;
        } else if (result.failedGroups() == 0) {
            outcome = CompactionRun.Outcome.COMMITTED;
        } else {
            outcome = result.committedGroups() == 0 ? CompactionRun.Outcome.FAILED : CompactionRun.Outcome.PARTIAL;
        }
        return new CompactionRun(
                table,
                startedAt,
                trigger,
                outcome,
                result.plan().snapshotId(),
                filesBefore,
                filesAfter,
                result.rewrittenFiles(),
                result.addedFiles(),
                result.rewrittenBytes(),
                added,
                took,
                groups,
                "");
    }

    /** What a dry run would do. */
    static CompactionRun planned(
            String table, RewritePlan plan, String trigger, long startedAt, long files, long took) {
        List<CompactionRun.Group> groups = new ArrayList<>();
        long expected = 0;
        for (PlannedGroup group : plan.groups()) {
            groups.add(new CompactionRun.Group(
                    group.partition(), group.inputFiles(), group.inputBytes(), group.expectedOutputFiles(), 0, ""));
            expected += group.expectedOutputFiles();
        }
        return new CompactionRun(
                table,
                startedAt,
                trigger,
                CompactionRun.Outcome.PLANNED,
                plan.snapshotId(),
                files,
                files,
                plan.inputFiles(),
                expected,
                plan.inputBytes(),
                0,
                took,
                groups,
                "");
    }

    /** A run that failed before any bin ran (the catalog, the plan). */
    static CompactionRun failed(String table, String trigger, long startedAt, long files, long took, String why) {
        return new CompactionRun(
                table,
                startedAt,
                trigger,
                CompactionRun.Outcome.FAILED,
                -1,
                files,
                files,
                0,
                0,
                0,
                0,
                took,
                List.of(),
                why);
    }

    /** Data files in the table's current snapshot, from its summary (no manifest read). */
    static long dataFiles(Table table) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return 0;
        }
        String total = current.summary().get(SnapshotSummary.TOTAL_DATA_FILES_PROP);
        return total == null ? -1 : Long.parseLong(total);
    }
}
