package dev.floe.engine.checkpoint;

import java.time.Duration;
import java.time.Instant;

/**
 * Told by the checkpoint coordinator, on its thread, how each checkpoint and commit went: feeds
 * metrics and the status API. Must return quickly and never throw.
 */
public interface CheckpointObserver {
    /** An observer that keeps nothing. */
    CheckpointObserver NONE = new CheckpointObserver() {
        @Override
        public void stored(CheckpointSummary checkpoint) {}

        @Override
        public void failed(long checkpointId, Instant triggeredAt, String reason) {}

        @Override
        public void committed(long checkpointId, Duration duration) {}

        @Override
        public void commitFailed(long checkpointId, String reason) {}
    };

    /** A checkpoint was stored durably; its commit follows. */
    void stored(CheckpointSummary checkpoint);

    /** A checkpoint was aborted or could not be stored; its work carries over to the next. */
    void failed(long checkpointId, Instant triggeredAt, String reason);

    /** Every checkpoint up to {@code checkpointId} reached every destination. */
    void committed(long checkpointId, Duration duration);

    /** A commit attempt failed and will be retried. */
    void commitFailed(long checkpointId, String reason);

    /**
     * A stored checkpoint.
     *
     * @param checkpointId its id
     * @param triggeredAt when its barriers were injected
     * @param duration from the trigger to durable storage
     * @param records rows written by the sink writers for it
     * @param bytes bytes of the files written for it, its state snapshots and dead letters
     * @param deadLetters records it dead-letters
     */
    record CheckpointSummary(
            long checkpointId, Instant triggeredAt, Duration duration, long records, long bytes, int deadLetters) {}
}
