package dev.floe.engine.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * When checkpoints are taken and where they are kept.
 *
 * @param interval time between checkpoint triggers
 * @param storage where every pipeline's checkpoints are kept
 * @param timeout a checkpoint not completed within this is aborted
 * @param minPause least time from one checkpoint's end to the next one's start
 * @param retained completed checkpoints kept
 * @param maxPendingCommits completed checkpoints that may wait for their commit before sources pause
 * @param savepoints where savepoints go when a request names no target (a directory or s3:// URI),
 *     or null: then every request must name one
 */
public record CheckpointConfig(
        Duration interval,
        CheckpointLocation storage,
        Duration timeout,
        Duration minPause,
        int retained,
        int maxPendingCommits,
        String savepoints) {
    public CheckpointConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(minPause, "minPause");
    }

    /** Checkpoints in the local {@code directory}. */
    public CheckpointConfig(
            Duration interval,
            Path directory,
            Duration timeout,
            Duration minPause,
            int retained,
            int maxPendingCommits) {
        this(
                interval,
                new CheckpointLocation.Local(directory.toAbsolutePath()),
                timeout,
                minPause,
                retained,
                maxPendingCommits,
                null);
    }
}
