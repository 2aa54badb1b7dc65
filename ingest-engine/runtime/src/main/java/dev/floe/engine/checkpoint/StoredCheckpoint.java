package dev.floe.engine.checkpoint;

import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.state.KeyedStateHandle;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A completed checkpoint as stored: once this is durable, the checkpoint must reach every
 * destination, whatever happens.
 *
 * @param pipelineId the pipeline
 * @param checkpointId the checkpoint
 * @param timestamp when it was triggered
 * @param offsets where the sources resume after it
 * @param startOffsets where they stood at the previous checkpoint
 * @param sinkState the sink's description of its pending commits (opaque, versioned by the sink)
 * @param deadLetters the stored batches of dead letters not yet delivered, oldest first
 * @param maxParallelism the number of key groups the keyed state is divided into
 * @param keyedState where each keyed subtask's state is stored; empty without a keyed stage
 */
public record StoredCheckpoint(
        String pipelineId,
        long checkpointId,
        Instant timestamp,
        SourceOffsets offsets,
        SourceOffsets startOffsets,
        SinkState sinkState,
        List<DeadLetterBatch> deadLetters,
        int maxParallelism,
        List<KeyedStateHandle> keyedState) {
    public StoredCheckpoint {
        Objects.requireNonNull(pipelineId, "pipelineId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(startOffsets, "startOffsets");
        Objects.requireNonNull(sinkState, "sinkState");
        deadLetters = List.copyOf(deadLetters);
        keyedState = List.copyOf(keyedState);
        if (maxParallelism < 1) {
            throw new IllegalArgumentException("max parallelism must be positive: " + maxParallelism);
        }
    }

    /**
     * A batch of dead letters kept beside a checkpoint.
     *
     * @param checkpointId the checkpoint whose records they are
     * @param path the attachment holding them, relative to the pipeline's storage
     * @param count how many letters it holds
     */
    public record DeadLetterBatch(long checkpointId, String path, int count) {
        public DeadLetterBatch {
            Objects.requireNonNull(path, "path");
        }
    }

    /** The sink's opaque bytes, compared by content. */
    public static final class SinkState {
        private final byte[] bytes;

        public SinkState(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SinkState && Arrays.equals(bytes, ((SinkState) other).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes";
        }
    }
}
