package dev.floe.engine.spi.service;

import java.util.Optional;

/** A running service; {@link #close()} stops it, waits for its work to end, and is idempotent. */
public interface BackgroundService extends AutoCloseable {
    /** The table compactions this service runs on request, if it is a compactor. */
    default Optional<TableCompactions> tableCompactions() {
        return Optional.empty();
    }

    @Override
    void close();
}
