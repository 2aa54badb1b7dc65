package dev.floe.compaction;

import java.util.Objects;

/**
 * What became of one planned bin.
 *
 * @param partition the bin's partition path
 * @param inputFiles data files read
 * @param inputBytes bytes read
 * @param outputFiles data files written (0 when not committed)
 * @param outputBytes bytes written
 * @param snapshotId the snapshot that committed the bin, or -1
 * @param failure why the bin was not committed, or null when it was
 */
public record GroupResult(
        String partition,
        int inputFiles,
        long inputBytes,
        int outputFiles,
        long outputBytes,
        long snapshotId,
        String failure) {
    public GroupResult {
        Objects.requireNonNull(partition, "partition");
    }

    public boolean committed() {
        return failure == null;
    }
}
