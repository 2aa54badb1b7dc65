package dev.floe.engine.time;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a pipeline's event time comes from and how its watermarks are made.
 *
 * @param field the field of the rows entering the keyed stage that holds the event time, or null
 *     for the records' Kafka timestamps
 * @param unit how a numeric field counts time
 * @param format the {@link java.time.format.DateTimeFormatter} pattern of a string field, or null
 *     for ISO-8601 instants ({@code 2026-01-31T12:00:00Z})
 * @param maxOutOfOrderness how far behind the newest event time of a partition a record may be and
 *     still not be late
 * @param idleTimeout how long a partition without records may hold the watermark back; zero for
 *     ever
 */
public record EventTimeSpec(
        String field, EventTimeUnit unit, String format, Duration maxOutOfOrderness, Duration idleTimeout) {
    /** The default of pipelines that declare no event time: Kafka timestamps, in order, idle after 30s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    public EventTimeSpec {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxOutOfOrderness.isNegative() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("Cannot track event time: durations must not be negative");
        }
    }

    /** The records' Kafka timestamps, with no out-of-orderness allowed. */
    public static EventTimeSpec kafkaTimestamps() {
        return new EventTimeSpec(null, EventTimeUnit.MILLIS, null, Duration.ZERO, DEFAULT_IDLE_TIMEOUT);
    }

    public boolean fromKafkaTimestamp() {
        return field == null;
    }
}
