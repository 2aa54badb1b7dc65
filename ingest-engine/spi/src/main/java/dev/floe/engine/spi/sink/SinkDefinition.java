package dev.floe.engine.spi.sink;

/** A pipeline's sink as configured and validated, before anything is connected. */
public interface SinkDefinition {
    /** A short description for logs and status, such as {@code iceberg table demo.orders}. */
    String describe();

    /** Connects to the destination. */
    Sink open(SinkContext context);
}
