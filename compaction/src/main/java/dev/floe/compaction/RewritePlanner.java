package dev.floe.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.BinPackRewriteFilePlanner;
import org.apache.iceberg.actions.FileRewritePlan;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.actions.RewriteFileGroup;
import org.apache.iceberg.actions.SizeBasedFileRewritePlanner;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Plans a run: Iceberg's bin-packing planner groups each partition's small files (and files with
 * many deletes) into bins of the target size; this class adds Floe's policy on top: partitions left
 * alone, delete-heavy bins first, and the run's byte budget.
 */
public final class RewritePlanner {
    private final CompactionPolicy policy;
    private final Clock clock;

    public RewritePlanner(CompactionPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Plans the rewrite of {@code table}'s current snapshot.
     *
     * @param onlyPartitions partition paths a run is limited to (the CLI's {@code --partition}),
     *     matched against the partition's path; everything when it accepts all
     */
    public RewritePlan plan(Table table, Predicate<String> onlyPartitions) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return new RewritePlan(table.name(), -1, List.of(), 0, List.of());
        }
        Map<Long, Long> commitTimes = new HashMap<>();
        for (Snapshot snapshot : table.snapshots()) {
            commitTimes.put(snapshot.sequenceNumber(), snapshot.timestampMillis());
        }
        long activeSince = clock.millis() - policy.skipPartitionsWrittenWithin().toMillis();
        boolean skipActive = !policy.skipPartitionsWrittenWithin().isZero();

        BinPackRewriteFilePlanner planner =
                new BinPackRewriteFilePlanner(table, Expressions.alwaysTrue(), current.snapshotId(), false);
        planner.init(options(table));
        List<PlannedGroup> candidates = new ArrayList<>();
        TreeSet<String> skipped = new TreeSet<>();
        FileRewritePlan<RewriteDataFiles.FileGroupInfo, FileScanTask, org.apache.iceberg.DataFile, RewriteFileGroup>
                plan = planner.plan();
        try (CloseableIterable<RewriteFileGroup> groups = plan.groups()) {
            for (RewriteFileGroup group : groups) {
                if (group.fileScanTasks().stream()
                        .anyMatch(task -> task.file().specId() != table.spec().specId())) {
                    // files of an older spec may span several of the current spec's partitions
                    skipped.add("(files of an older partition spec)");
                    continue;
                }
                String partition = partitionPath(table, group);
                if (policy.skipPartitions().contains(partition) || !onlyPartitions.test(partition)) {
                    skipped.add(partition);
                    continue;
                }
                if (skipActive && writtenSince(group, commitTimes, activeSince)) {
                    skipped.add(partition);
                    continue;
                }
                candidates.add(PlannedGroup.of(group, partition));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot plan the compaction of table " + table.name() + ": " + e, e);
        }
        candidates.sort(Comparator.comparingDouble(PlannedGroup::deletesPerFile)
                .reversed()
                .thenComparing(Comparator.comparingInt(PlannedGroup::inputFiles).reversed())
                .thenComparing(PlannedGroup::partition));
        List<PlannedGroup> chosen = new ArrayList<>();
        long budget = policy.maxBytesPerRun();
        int deferred = 0;
        for (PlannedGroup group : candidates) {
            if (group.inputBytes() <= budget) {
                chosen.add(group);
                budget -= group.inputBytes();
            } else {
                deferred++;
            }
        }
        return new RewritePlan(table.name(), current.snapshotId(), chosen, deferred, List.copyOf(skipped));
    }

    private Map<String, String> options(Table table) {
        Map<String, String> options = new HashMap<>();
        long target = policy.targetFileSize();
        options.put(SizeBasedFileRewritePlanner.TARGET_FILE_SIZE_BYTES, Long.toString(target));
        options.put(SizeBasedFileRewritePlanner.MIN_FILE_SIZE_BYTES, Long.toString(policy.smallFileSize()));
        // files up to twice the target are left as they are; only small ones and delete-heavy ones move
        options.put(SizeBasedFileRewritePlanner.MAX_FILE_SIZE_BYTES, Long.toString(target * 2));
        options.put(SizeBasedFileRewritePlanner.MIN_INPUT_FILES, Integer.toString(policy.minInputFiles()));
        options.put(BinPackRewriteFilePlanner.DELETE_FILE_THRESHOLD, Integer.toString(policy.deleteFileThreshold()));
        // a sorted rewrite holds its bin in memory: one output file per bin bounds that memory
        long maxGroup = table.sortOrder().isSorted() ? target : Math.min(policy.maxBytesPerRun(), 64 * target);
        options.put(SizeBasedFileRewritePlanner.MAX_FILE_GROUP_SIZE_BYTES, Long.toString(Math.max(maxGroup, target)));
        return options;
    }

    private static boolean writtenSince(RewriteFileGroup group, Map<Long, Long> commitTimes, long since) {
        for (FileScanTask task : group.fileScanTasks()) {
            Long sequence = task.file().dataSequenceNumber();
            Long committed = sequence == null ? null : commitTimes.get(sequence);
            if (committed != null && committed >= since) {
                return true;
            }
        }
        return false;
    }

    static String partitionPath(Table table, RewriteFileGroup group) {
        PartitionSpec spec = table.specs().get(group.outputSpecId());
        if (spec == null || spec.isUnpartitioned()) {
            return "";
        }
        return spec.partitionToPath(group.info().partition());
    }
}
