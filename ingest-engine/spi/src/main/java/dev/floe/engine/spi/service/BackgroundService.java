package dev.floe.engine.spi.service;

/** A running service; {@link #close()} stops it, waits for its work to end, and is idempotent. */
public interface BackgroundService extends AutoCloseable {
    @Override
    void close();
}
