package dev.floe.engine.window;

import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.time.EventTimeSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An event-time window of a pipeline's mapping, as configured.
 *
 * @param kind tumbling, sliding or session
 * @param size the length of a tumbling or sliding window
 * @param slide how far apart sliding windows start
 * @param gap the silence that ends a session
 * @param keyBy the fields whose values key the windows
 * @param aggregates what each window computes, at least one
 * @param allowedLateness how long after a window's end (in event time) a late record still updates it
 * @param updates how an update of an emitted window reaches the table
 * @param earlyResults the processing-time interval of early results, or null for final results only
 * @param eventTime where event time comes from
 * @param location where the window is configured
 */
public record WindowSpec(
        WindowKind kind,
        Duration size,
        Duration slide,
        Duration gap,
        List<String> keyBy,
        List<AggregateSpec> aggregates,
        Duration allowedLateness,
        UpdateMode updates,
        Duration earlyResults,
        EventTimeSpec eventTime,
        ConfigLocation location) {
    /** The columns every window row has beside its keys and aggregates. */
    public static final String START = "window_start";

    public static final String END = "window_end";
    public static final String VERSION = "window_version";

    public WindowSpec {
        Objects.requireNonNull(kind, "kind");
        keyBy = List.copyOf(keyBy);
        aggregates = List.copyOf(aggregates);
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        Objects.requireNonNull(updates, "updates");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(location, "location");
        if (eventTime.fromKafkaTimestamp()) {
            throw new IllegalArgumentException("Cannot window: event time must be a field of the rows");
        }
        switch (kind) {
            case TUMBLING:
                positive(size, "size");
                break;
            case SLIDING:
                positive(size, "size");
                positive(slide, "slide");
                break;
            default:
                positive(gap, "gap");
        }
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("Cannot window: " + name + " must be positive, got " + value);
        }
    }

    /** The kinds of windows. */
    public enum WindowKind {
        /** Fixed, non-overlapping windows of {@code size}, aligned to the epoch. */
        TUMBLING,
        /** Windows of {@code size} starting every {@code slide}, aligned to the epoch: a record is in several. */
        SLIDING,
        /** Per key, records closer than {@code gap} apart belong to one session. */
        SESSION
    }

    /** How an update of a window already emitted (a late record, an early result) reaches the table. */
    public enum UpdateMode {
        /** Appends the window's row again with a higher {@code window_version}: the highest is current. */
        VERSION,
        /**
         * Emits rows whose key columns and {@code window_start} are the table's identifier fields, for a
         * sink that writes them as upserts.
         */
        UPSERT
    }
}
