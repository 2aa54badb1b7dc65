package dev.floe.engine.spi.sink;

import java.util.Objects;

/**
 * What a destination says a pipeline committed last.
 *
 * @param checkpointId the newest checkpoint id committed; new checkpoints must use larger ids
 * @param offsets the next offset of each partition after that checkpoint
 */
public record CommittedPosition(long checkpointId, SourceOffsets offsets) {
    public CommittedPosition {
        Objects.requireNonNull(offsets, "offsets");
        if (checkpointId <= 0) {
            throw new IllegalArgumentException("checkpoint id must be positive: " + checkpointId);
        }
    }
}
