package dev.floe.compaction;

import java.util.List;
import java.util.Objects;

/**
 * What one run rewrites in a table, planned against one snapshot.
 *
 * @param table the table's name
 * @param snapshotId the snapshot the plan was made from; every group's commit validates against it
 * @param groups the bins to rewrite, in the order they run (most deletes first)
 * @param deferred bins left for a later run (over the run's byte budget)
 * @param skippedPartitions partitions left alone (skipped by the policy or written too recently)
 */
public record RewritePlan(
        String table, long snapshotId, List<PlannedGroup> groups, int deferred, List<String> skippedPartitions) {
    public RewritePlan {
        Objects.requireNonNull(table, "table");
        groups = List.copyOf(groups);
        skippedPartitions = List.copyOf(skippedPartitions);
    }

    public long inputBytes() {
        return groups.stream().mapToLong(PlannedGroup::inputBytes).sum();
    }

    public int inputFiles() {
        return groups.stream().mapToInt(PlannedGroup::inputFiles).sum();
    }

    public boolean isEmpty() {
        return groups.isEmpty();
    }
}
