package dev.floe.engine.spi.service;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import java.util.List;

/**
 * A service that runs next to the pipelines of {@code floe run} (table maintenance, say), found
 * with {@link java.util.ServiceLoader}. It owns top-level config sections of its own and may read
 * the sections other plugins declare (the catalog) by key.
 */
public interface ServiceProvider {
    /** Top-level config sections this service owns, added to the file's root. */
    List<ConfigOption<?>> rootOptions();

    /**
     * Reads and validates the service's sections without connecting to anything; problems are
     * reported on the sections, and the file is refused if any were.
     */
    ServiceDefinition configure(ConfigSection root);
}
