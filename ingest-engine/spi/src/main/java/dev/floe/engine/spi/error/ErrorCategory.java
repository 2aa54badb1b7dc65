package dev.floe.engine.spi.error;

/** Whose problem an error is: counted per category in metrics and shown in health. */
public enum ErrorCategory {
    /** Bad configuration or bad input: the user must change something. */
    USER,
    /** A server Floe depends on (Kafka, registry, catalog, object store) failed or is unreachable. */
    EXTERNAL,
    /** A bug in Floe. */
    INTERNAL
}
