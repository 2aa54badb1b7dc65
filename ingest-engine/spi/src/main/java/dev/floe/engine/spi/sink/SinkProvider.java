package dev.floe.engine.spi.sink;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import java.util.List;

/** A kind of sink, found with {@link java.util.ServiceLoader}. */
public interface SinkProvider {
    /** The value of a pipeline's {@code sink.type} that selects this provider. */
    String type();

    /** Top-level config sections this sink owns (a catalog, say), added to the file's root. */
    List<ConfigOption<?>> rootOptions();

    /** The keys of a pipeline's {@code sink} section. */
    ConfigSpec sinkSpec();

    /**
     * Reads and validates a pipeline's sink without connecting to anything; problems are reported
     * on the sections.
     */
    SinkDefinition configure(String pipelineId, ConfigSection root, ConfigSection sink);
}
