package dev.floe.engine.checkpoint;

import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.WriteResult;
import dev.floe.engine.state.KeyedStateHandle;
import java.util.List;
import java.util.Objects;

/**
 * A subtask's answer to a barrier: where its partitions stand and what it produced since the
 * previous barrier.
 *
 * @param checkpointId the barrier's checkpoint
 * @param subtask the subtask
 * @param offsets the next offset of each of its partitions
 * @param writeResult what its sink writer finished, or null for a subtask without one
 * @param deadLetters the records it could not ingest since the previous barrier
 * @param keyedState where its keyed state is stored, or null for a subtask without one
 */
public record Acknowledgement(
        long checkpointId,
        int subtask,
        SourceOffsets offsets,
        WriteResult writeResult,
        List<DeadLetter> deadLetters,
        KeyedStateHandle keyedState) {
    public Acknowledgement {
        Objects.requireNonNull(offsets, "offsets");
        deadLetters = List.copyOf(deadLetters);
    }
}
