package dev.floe.deploy.audit;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Proves, from a table's Floe commits alone, that each source offset between the first committed
 * one and the last was covered by exactly one commit: per source partition, each commit's range
 * must start where the previous one ended (a later start is a gap, an earlier one an overlap), and
 * each pipeline's checkpoint ids must increase.
 */
final class LineageCheck {
    private LineageCheck() {}

    /**
     * What a table's commits cover of one source partition.
     *
     * @param from the first covered offset
     * @param to the offset after the last covered one
     * @param rows rows the commits added
     * @param withoutRows covered offsets without a row (dead-lettered, filtered, routed elsewhere, or
     *     not a record)
     * @param commits commits that covered some of it
     */
    record PartitionCoverage(long from, long to, long rows, long withoutRows, int commits) {}

    /**
     * The outcome for one table.
     *
     * @param coverage per source partition, what the commits cover
     * @param findings what is wrong, in commit order
     */
    record Result(Map<SourcePartition, PartitionCoverage> coverage, List<Finding> findings) {
        Result {
            coverage = Map.copyOf(coverage);
            findings = List.copyOf(findings);
        }
    }

    /** Checks {@code commits}, the table's Floe commits oldest first. */
    static Result check(String table, List<FloeCommit> commits) {
        Map<SourcePartition, PartitionCoverage> coverage = new TreeMap<>();
        Map<SourcePartition, Long> endedAtSnapshot = new HashMap<>();
        Map<String, FloeCommit> previousOfPipeline = new HashMap<>();
        List<Finding> findings = new ArrayList<>();
        for (FloeCommit commit : commits) {
            FloeCommit previous = previousOfPipeline.put(commit.pipeline(), commit);
            if (previous != null && commit.checkpointId() <= previous.checkpointId()) {
                findings.add(new Finding(
                        Finding.Kind.CHECKPOINT_NOT_INCREASING,
                        table,
                        null,
                        -1,
                        -1,
                        commit.snapshotId(),
                        "snapshot " + commit.snapshotId() + " of pipeline " + commit.pipeline() + " commits checkpoint "
                                + commit.checkpointId() + " after snapshot " + previous.snapshotId()
                                + " committed checkpoint " + previous.checkpointId()));
            }
            commit.ranges().forEach((partition, range) -> {
                if (!valid(range)) {
                    findings.add(new Finding(
                            Finding.Kind.INVALID_RANGE,
                            table,
                            partition,
                            range.from(),
                            range.to(),
                            commit.snapshotId(),
                            "snapshot " + commit.snapshotId() + " says it covers offsets [" + range.from() + ", "
                                    + range.to() + ") of " + partition + " with " + range.rows() + " rows from "
                                    + range.first() + " to " + range.last()));
                }
                PartitionCoverage before = coverage.get(partition);
                if (before == null) {
                    coverage.put(
                            partition,
                            new PartitionCoverage(range.from(), range.to(), range.rows(), range.withoutRows(), 1));
                } else {
                    long end = before.to();
                    if (range.from() > end) {
                        findings.add(new Finding(
                                Finding.Kind.GAP,
                                table,
                                partition,
                                end,
                                range.from(),
                                commit.snapshotId(),
                                "offsets [" + end + ", " + range.from() + ") of " + partition + " are in no commit:"
                                        + " snapshot " + endedAtSnapshot.get(partition) + " ends at " + end
                                        + ", snapshot " + commit.snapshotId() + " starts at " + range.from()));
                    } else if (range.from() < end) {
                        long overlapEnd = Math.min(end, range.to());
                        findings.add(new Finding(
                                Finding.Kind.OVERLAP,
                                table,
                                partition,
                                range.from(),
                                overlapEnd,
                                commit.snapshotId(),
                                "offsets [" + range.from() + ", " + overlapEnd + ") of " + partition
                                        + " are in two commits: snapshot " + endedAtSnapshot.get(partition)
                                        + " covers up to " + end + ", snapshot " + commit.snapshotId()
                                        + " starts again at " + range.from()));
                    }
                    coverage.put(
                            partition,
                            new PartitionCoverage(
                                    Math.min(before.from(), range.from()),
                                    Math.max(end, range.to()),
                                    before.rows() + range.rows(),
                                    before.withoutRows() + range.withoutRows(),
                                    before.commits() + 1));
                }
                if (range.to() >= coverage.get(partition).to()) {
                    endedAtSnapshot.put(partition, commit.snapshotId());
                }
            });
        }
        return new Result(coverage, findings);
    }

    private static boolean valid(Coverage range) {
        if (range.to() < range.from() || range.rows() < 0 || range.rows() > range.to() - range.from()) {
            return false;
        }
        return range.rows() == 0
                || (range.first() >= range.from() && range.last() < range.to() && range.first() <= range.last());
    }
}
