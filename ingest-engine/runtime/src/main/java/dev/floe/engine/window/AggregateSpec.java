package dev.floe.engine.window;

import dev.floe.engine.config.ConfigLocation;
import java.util.Objects;

/**
 * One aggregate of a window: a column named {@code name} computed by {@code function} over {@code
 * field} (null for {@code count} of rows).
 */
public record AggregateSpec(String name, AggregateFunction function, String field, ConfigLocation location) {
    public AggregateSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(location, "location");
    }

    /** What an aggregate computes. */
    public enum AggregateFunction {
        /** Rows, or with a field its non-null values. */
        COUNT,
        SUM,
        MIN,
        MAX,
        AVG,
        /** The value of the row with the earliest event time. */
        FIRST,
        /** The value of the row with the latest event time. */
        LAST,
        /** Distinct non-null values, exactly. */
        COUNT_DISTINCT,
        /** Distinct non-null values, estimated with an HLL sketch (about 1.6 % error) in constant space. */
        APPROX_COUNT_DISTINCT
    }
}
