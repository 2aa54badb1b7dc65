package dev.floe.engine.spi.sink;

import java.util.Objects;

/**
 * How one destination of a sink is doing, for health and metrics.
 *
 * @param name the destination, such as a table's name
 * @param problem why its last commit attempt failed (it is retried), or an empty string
 * @param committedCheckpoint the newest checkpoint it holds, 0 for none
 * @param pendingCheckpoints checkpoints prepared for it and not yet committed
 */
public record DestinationStatus(String name, String problem, long committedCheckpoint, int pendingCheckpoints) {
    public DestinationStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(problem, "problem");
    }

    public boolean healthy() {
        return problem.isEmpty();
    }
}
