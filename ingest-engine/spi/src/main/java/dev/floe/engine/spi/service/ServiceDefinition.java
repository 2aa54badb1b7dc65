package dev.floe.engine.spi.service;

import java.time.Clock;

/** A service as configured and validated, before anything is connected. */
public interface ServiceDefinition {
    /** A short description for logs, such as {@code compaction of 2 tables every 5m}. */
    String describe();

    /**
     * Whether the config asks for this service to run in the background of {@code floe run}; a
     * service that is only used by its CLI command says no.
     */
    boolean runsInBackground();

    /** Starts the service; it runs on its own threads until closed. */
    BackgroundService start(Clock clock);
}
