package dev.floe.compaction;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one table is kept fast: when a run is due (the triggers), what it rewrites, and how much of
 * the table's history it keeps.
 *
 * @param targetFileSize the size rewritten data files are cut at, in bytes
 * @param smallFileSize data files below this size are rewritten, in bytes
 * @param minInputFiles a partition's small files are rewritten only when it has at least this many
 * @param deleteFileThreshold a data file with at least this many delete files is rewritten whatever
 *     its size
 * @param triggerSmallFiles a run is due when the table has at least this many small files
 * @param triggerDeleteFileRatio a run is due when delete files per data file reach this ratio
 * @param triggerSmallBytes a run is due when the small files hold at least this many bytes (0: never)
 * @param triggerInterval a run is due when the last one is at least this old, whatever the rest says
 * @param maxConcurrentRewrites file groups rewritten at the same time
 * @param maxBytesPerRun input bytes one run rewrites at most; the rest waits for the next run
 * @param skipPartitions partition paths (as in the table's file layout, such as {@code
 *     ts_hour=2026-11-22-10}) never rewritten
 * @param skipPartitionsWrittenWithin partitions that received a data file this recently are left
 *     alone (the ones ingestion is writing, such as the current hour); zero rewrites them too
 * @param snapshotRetention snapshots older than this are expired; null keeps every snapshot
 * @param minSnapshots snapshots kept whatever their age
 * @param orphanAge files no snapshot refers to are removed once they are this old; null keeps them
 * @param maxManifests manifests are rewritten when a snapshot has more than this many small ones
 * @param smallManifestSize manifests below this size count as small, in bytes
 */
public record CompactionPolicy(
        long targetFileSize,
        long smallFileSize,
        int minInputFiles,
        int deleteFileThreshold,
        int triggerSmallFiles,
        double triggerDeleteFileRatio,
        long triggerSmallBytes,
        Duration triggerInterval,
        int maxConcurrentRewrites,
        long maxBytesPerRun,
        List<String> skipPartitions,
        Duration skipPartitionsWrittenWithin,
        Duration snapshotRetention,
        int minSnapshots,
        Duration orphanAge,
        int maxManifests,
        long smallManifestSize) {
    public CompactionPolicy {
        if (targetFileSize <= 0 || smallFileSize <= 0 || smallFileSize > targetFileSize) {
            throw new IllegalArgumentException("Cannot use compaction policy: expected 0 < smallFileSize ("
                    + smallFileSize + ") <= targetFileSize (" + targetFileSize + ")");
        }
        if (minInputFiles < 1 || deleteFileThreshold < 1 || maxConcurrentRewrites < 1 || minSnapshots < 1) {
            throw new IllegalArgumentException("Cannot use compaction policy: minInputFiles, deleteFileThreshold,"
                    + " maxConcurrentRewrites and minSnapshots must be at least 1");
        }
        if (maxBytesPerRun <= 0) {
            throw new IllegalArgumentException("Cannot use compaction policy: maxBytesPerRun must be positive");
        }
        Objects.requireNonNull(triggerInterval, "triggerInterval");
        Objects.requireNonNull(skipPartitionsWrittenWithin, "skipPartitionsWrittenWithin");
        skipPartitions = List.copyOf(skipPartitions);
    }

    /** Floe's defaults: 128MB files, small below 96MB, runs when 10 small files or 10% delete files. */
    public static CompactionPolicy defaults() {
        long target = 128L * 1024 * 1024;
        return new CompactionPolicy(
                target,
                target * 3 / 4,
                5,
                5,
                10,
                0.1,
                0,
                Duration.ofHours(1),
                2,
                10L * 1024 * 1024 * 1024,
                List.of(),
                Duration.ZERO,
                Duration.ofDays(1),
                10,
                Duration.ofDays(3),
                100,
                8L * 1024 * 1024);
    }

    /** This policy with another target size, small files below three quarters of it. */
    public CompactionPolicy withTargetFileSize(long bytes) {
        return new CompactionPolicy(
                bytes,
                bytes * 3 / 4,
                minInputFiles,
                deleteFileThreshold,
                triggerSmallFiles,
                triggerDeleteFileRatio,
                triggerSmallBytes,
                triggerInterval,
                maxConcurrentRewrites,
                maxBytesPerRun,
                skipPartitions,
                skipPartitionsWrittenWithin,
                snapshotRetention,
                minSnapshots,
                orphanAge,
                maxManifests,
                smallManifestSize);
    }

    /** This policy with another minimum of input files per partition. */
    public CompactionPolicy withMinInputFiles(int files) {
        return new CompactionPolicy(
                targetFileSize,
                smallFileSize,
                files,
                deleteFileThreshold,
                triggerSmallFiles,
                triggerDeleteFileRatio,
                triggerSmallBytes,
                triggerInterval,
                maxConcurrentRewrites,
                maxBytesPerRun,
                skipPartitions,
                skipPartitionsWrittenWithin,
                snapshotRetention,
                minSnapshots,
                orphanAge,
                maxManifests,
                smallManifestSize);
    }

    /** This policy with another cap on the input bytes of one run. */
    public CompactionPolicy withMaxBytesPerRun(long bytes) {
        return new CompactionPolicy(
                targetFileSize,
                smallFileSize,
                minInputFiles,
                deleteFileThreshold,
                triggerSmallFiles,
                triggerDeleteFileRatio,
                triggerSmallBytes,
                triggerInterval,
                maxConcurrentRewrites,
                bytes,
                skipPartitions,
                skipPartitionsWrittenWithin,
                snapshotRetention,
                minSnapshots,
                orphanAge,
                maxManifests,
                smallManifestSize);
    }

    /** This policy with other snapshot retention and orphan age. */
    public CompactionPolicy withExpiry(Duration retention, int keep, Duration orphans) {
        return new CompactionPolicy(
                targetFileSize,
                smallFileSize,
                minInputFiles,
                deleteFileThreshold,
                triggerSmallFiles,
                triggerDeleteFileRatio,
                triggerSmallBytes,
                triggerInterval,
                maxConcurrentRewrites,
                maxBytesPerRun,
                skipPartitions,
                skipPartitionsWrittenWithin,
                retention,
                keep,
                orphans,
                maxManifests,
                smallManifestSize);
    }
}
