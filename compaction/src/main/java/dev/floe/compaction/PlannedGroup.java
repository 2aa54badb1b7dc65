package dev.floe.compaction;

import java.util.Objects;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.actions.RewriteFileGroup;

/**
 * One bin of a plan: data files of one partition rewritten together into files of the target size.
 *
 * @param group Iceberg's description of the bin (its files, their deletes, the output's spec)
 * @param partition the partition's path in the table's layout, empty for an unpartitioned table
 * @param deleteFiles delete files that apply to the bin's data files
 */
public record PlannedGroup(RewriteFileGroup group, String partition, int deleteFiles) {
    public PlannedGroup {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(partition, "partition");
    }

    static PlannedGroup of(RewriteFileGroup group, String partition) {
        int deletes = 0;
        for (FileScanTask task : group.fileScanTasks()) {
            deletes += task.deletes().size();
        }
        return new PlannedGroup(group, partition, deletes);
    }

    public int inputFiles() {
        return group.inputFileNum();
    }

    public long inputBytes() {
        return group.inputFilesSizeInBytes();
    }

    /** Delete files per input data file: the planner rewrites the groups with most deletes first. */
    public double deletesPerFile() {
        return inputFiles() == 0 ? 0 : (double) deleteFiles / inputFiles();
    }

    public int expectedOutputFiles() {
        return group.expectedOutputFiles();
    }
}
