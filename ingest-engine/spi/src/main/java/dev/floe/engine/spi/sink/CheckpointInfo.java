package dev.floe.engine.spi.sink;

import java.time.Instant;
import java.util.Objects;

/**
 * What a sink is told about a checkpoint.
 *
 * @param pipelineId the pipeline's declared id, the dedup marker in every commit
 * @param checkpointId the checkpoint's id, increasing per pipeline
 * @param offsets where the sources resume after this checkpoint
 * @param startOffsets where the sources stood at the previous checkpoint: with {@code offsets},
 *     the ranges this checkpoint covers
 * @param timestamp when the checkpoint was triggered
 */
public record CheckpointInfo(
        String pipelineId, long checkpointId, SourceOffsets offsets, SourceOffsets startOffsets, Instant timestamp) {
    public CheckpointInfo {
        Objects.requireNonNull(pipelineId, "pipelineId");
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(startOffsets, "startOffsets");
        Objects.requireNonNull(timestamp, "timestamp");
        if (checkpointId <= 0) {
            throw new IllegalArgumentException("checkpoint id must be positive: " + checkpointId);
        }
    }
}
