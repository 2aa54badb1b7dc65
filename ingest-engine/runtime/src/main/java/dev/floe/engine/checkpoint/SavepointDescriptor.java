package dev.floe.engine.checkpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * What a savepoint was taken of, kept beside its checkpoint metadata so that a restore can refuse
 * a savepoint that does not fit the pipeline, naming what differs.
 *
 * @param pipelineId the pipeline it was taken of
 * @param checkpointId the checkpoint it holds, committed to every destination before it was taken
 * @param takenAt when it was written
 * @param keyedStage what the pipeline's keyed stage was ({@code none} without one): state written
 *     by one keyed operator means nothing to another
 * @param maxParallelism the number of key groups its keyed state is divided into
 * @param parallelism the parallelism it was taken at (a restore may use another)
 */
public record SavepointDescriptor(
        String pipelineId, long checkpointId, Instant takenAt, String keyedStage, int maxParallelism, int parallelism) {
    public SavepointDescriptor {
        Objects.requireNonNull(pipelineId, "pipelineId");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(keyedStage, "keyedStage");
        if (checkpointId < 1) {
            throw new IllegalArgumentException("checkpoint id must be positive: " + checkpointId);
        }
        if (maxParallelism < 1 || parallelism < 1) {
            throw new IllegalArgumentException(
                    "parallelism " + parallelism + " and max parallelism " + maxParallelism + " must be positive");
        }
    }
}
