package dev.floe.engine.checkpoint;

import dev.floe.engine.deadletter.DeadLetter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.WriteResult;
import java.util.List;
import java.util.Objects;

/**
 * A subtask's answer to a barrier: where its partitions stand and what it produced since the
 * previous barrier.
 *
 * @param checkpointId the barrier's checkpoint
 * @param subtask the subtask
 * @param offsets the next offset of each of its partitions
 * @param writeResult what its sink writer finished
 * @param deadLetters the records it could not ingest since the previous barrier
 */
public record Acknowledgement(
        long checkpointId, int subtask, SourceOffsets offsets, WriteResult writeResult, List<DeadLetter> deadLetters) {
    public Acknowledgement {
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(writeResult, "writeResult");
        deadLetters = List.copyOf(deadLetters);
    }
}
