package dev.floe.engine.spi.deadletter;

import dev.floe.engine.spi.sink.SourceOffsets;
import java.util.List;

/** Where a pipeline's dead letters go, with a marker of how far delivery got. */
public interface DeadLetterDelivery {
    /**
     * Delivers {@code letters} and moves the marker to {@code marker}, atomically: a letter of
     * partition p at offset o counts as delivered exactly when o is below the marker's offset for p.
     *
     * @throws dev.floe.engine.spi.error.RetriableException when it may be tried again
     */
    void deliver(long checkpointId, List<DeadLetter> letters, SourceOffsets marker);

    /** The marker: below these offsets, every dead letter was delivered. */
    SourceOffsets delivered();

    /** Where the letters go, for logs: {@code topic orders.dead-letters}, {@code iceberg table db.t}. */
    String describe();
}
