package dev.floe.deploy.audit;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Proves, from a table's Floe commits alone, that each source offset between the first committed
 * one and the last was covered by exactly one commit: per source partition, no commit's range may
 * share an offset with an earlier commit's (an overlap), the union of the ranges must have no hole
 * (a gap), and each writer's checkpoint ids must increase. Ranges may come in any order: a {@code
 * floe replay} fills a gap after later offsets were committed.
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
        // per partition, the covered offsets so far: start -> [end, snapshot that covered them]
        Map<SourcePartition, TreeMap<Long, long[]>> covered = new TreeMap<>();
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
                TreeMap<Long, long[]> intervals = covered.computeIfAbsent(partition, p -> new TreeMap<>());
                overlap(intervals, range)
                        .ifPresent(overlap -> findings.add(new Finding(
                                Finding.Kind.OVERLAP,
                                table,
                                partition,
                                overlap[0],
                                overlap[1],
                                commit.snapshotId(),
                                "offsets [" + overlap[0] + ", " + overlap[1] + ") of " + partition
                                        + " are in two commits: snapshot " + overlap[2] + " and snapshot "
                                        + commit.snapshotId())));
                if (range.to() > range.from()) {
                    intervals.merge(
                            range.from(), new long[] {range.to(), commit.snapshotId()}, (a, b) -> a[0] >= b[0] ? a : b);
                }
                PartitionCoverage before = coverage.get(partition);
                coverage.put(
                        partition,
                        before == null
                                ? new PartitionCoverage(range.from(), range.to(), range.rows(), range.withoutRows(), 1)
                                : new PartitionCoverage(
                                        Math.min(before.from(), range.from()),
                                        Math.max(before.to(), range.to()),
                                        before.rows() + range.rows(),
                                        before.withoutRows() + range.withoutRows(),
                                        before.commits() + 1));
            });
        }
        covered.forEach((partition, intervals) -> findings.addAll(gaps(table, partition, intervals)));
        return new Result(coverage, findings);
    }

    /**
     * The first offsets of {@code range} some earlier commit covered too, as {@code [from, to,
     * snapshot]}: commits may come in any order (a replay fills a gap after later offsets were
     * committed), but no offset may be in two.
     */
    private static java.util.Optional<long[]> overlap(TreeMap<Long, long[]> intervals, Coverage range) {
        if (range.to() <= range.from()) {
            return java.util.Optional.empty();
        }
        Map.Entry<Long, long[]> floor = intervals.floorEntry(range.from());
        if (floor != null && floor.getValue()[0] > range.from()) {
            return java.util.Optional.of(
                    new long[] {range.from(), Math.min(floor.getValue()[0], range.to()), floor.getValue()[1]});
        }
        Map.Entry<Long, long[]> inside = intervals.higherEntry(range.from());
        if (inside != null && inside.getKey() < range.to()) {
            return java.util.Optional.of(
                    new long[] {inside.getKey(), Math.min(inside.getValue()[0], range.to()), inside.getValue()[1]});
        }
        return java.util.Optional.empty();
    }

    /** The offsets between the first covered and the last that no commit covers. */
    private static List<Finding> gaps(String table, SourcePartition partition, TreeMap<Long, long[]> intervals) {
        List<Finding> gaps = new ArrayList<>();
        long end = Long.MIN_VALUE;
        long endedAtSnapshot = -1;
        for (Map.Entry<Long, long[]> interval : intervals.entrySet()) {
            long from = interval.getKey();
            long snapshot = interval.getValue()[1];
            if (end != Long.MIN_VALUE && from > end) {
                gaps.add(new Finding(
                        Finding.Kind.GAP,
                        table,
                        partition,
                        end,
                        from,
                        snapshot,
                        "offsets [" + end + ", " + from + ") of " + partition + " are in no commit: snapshot "
                                + endedAtSnapshot + " ends at " + end + ", snapshot " + snapshot + " starts at "
                                + from));
            }
            if (interval.getValue()[0] > end) {
                end = interval.getValue()[0];
                endedAtSnapshot = snapshot;
            }
        }
        return gaps;
    }

    private static boolean valid(Coverage range) {
        if (range.to() < range.from() || range.rows() < 0 || range.rows() > range.to() - range.from()) {
            return false;
        }
        return range.rows() == 0
                || (range.first() >= range.from() && range.last() < range.to() && range.first() <= range.last());
    }
}
