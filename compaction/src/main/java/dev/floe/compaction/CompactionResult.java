package dev.floe.compaction;

import java.util.List;
import java.util.Objects;

/**
 * What one run did to a table.
 *
 * @param plan what it planned
 * @param groups each bin's outcome, in the plan's order
 * @param durationMillis how long the rewrite and commits took
 */
public record CompactionResult(RewritePlan plan, List<GroupResult> groups, long durationMillis) {
    public CompactionResult {
        Objects.requireNonNull(plan, "plan");
        groups = List.copyOf(groups);
    }

    public long committedGroups() {
        return groups.stream().filter(GroupResult::committed).count();
    }

    public long failedGroups() {
        return groups.size() - committedGroups();
    }

    public long rewrittenBytes() {
        return groups.stream()
                .filter(GroupResult::committed)
                .mapToLong(GroupResult::inputBytes)
                .sum();
    }

    public int rewrittenFiles() {
        return groups.stream()
                .filter(GroupResult::committed)
                .mapToInt(GroupResult::inputFiles)
                .sum();
    }

    public int addedFiles() {
        return groups.stream()
                .filter(GroupResult::committed)
                .mapToInt(GroupResult::outputFiles)
                .sum();
    }
}
