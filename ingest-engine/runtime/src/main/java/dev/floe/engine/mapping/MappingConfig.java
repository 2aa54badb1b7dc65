package dev.floe.engine.mapping;

import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.time.EventTimeSpec;
import dev.floe.engine.transform.TransformStep;
import dev.floe.engine.window.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a pipeline does to its records between decoding and the sink, as configured and checked
 * without the records' schema: event time, stateless transforms, and at most one keyed step
 * (deduplication or a window).
 *
 * @param eventTime the pipeline's event time, or null
 * @param transforms the stateless transforms, in order
 * @param deduplicate the deduplication, or null
 * @param window the window, or null
 */
public record MappingConfig(
        EventTimeSpec eventTime, List<TransformStep> transforms, Deduplication deduplicate, WindowSpec window) {
    public static final MappingConfig NONE = new MappingConfig(null, List.of(), null, null);

    public MappingConfig {
        transforms = List.copyOf(transforms);
        if (deduplicate != null && window != null) {
            throw new IllegalArgumentException("Cannot map a pipeline with both a deduplication and a window");
        }
    }

    /** Whether the pipeline maps nothing: its records go to the sink as decoded. */
    public boolean isEmpty() {
        return transforms.isEmpty() && deduplicate == null && window == null;
    }

    /**
     * Keeps the first record per key within a horizon.
     *
     * @param key the fields identifying a record
     * @param within how long a key is remembered
     * @param location where it is configured
     */
    public record Deduplication(List<String> key, Duration within, ConfigLocation location) {
        public Deduplication {
            key = List.copyOf(key);
            Objects.requireNonNull(within, "within");
            Objects.requireNonNull(location, "location");
        }
    }
}
