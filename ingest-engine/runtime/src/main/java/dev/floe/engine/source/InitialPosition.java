package dev.floe.engine.source;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a reader starts in a partition that has no offset to resume from.
 *
 * @param kind the start of the log, its end, or the first record at or after {@code timestamp}
 * @param timestamp the instant for {@link Kind#TIMESTAMP}, else null
 */
public record InitialPosition(Kind kind, Instant timestamp) {
    /** The kinds of initial position. */
    public enum Kind {
        EARLIEST,
        LATEST,
        TIMESTAMP
    }

    public static final InitialPosition EARLIEST = new InitialPosition(Kind.EARLIEST, null);
    public static final InitialPosition LATEST = new InitialPosition(Kind.LATEST, null);

    public InitialPosition {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.TIMESTAMP) != (timestamp != null)) {
            throw new IllegalArgumentException("a timestamp position, and only one, has a timestamp");
        }
    }

    public static InitialPosition at(Instant timestamp) {
        return new InitialPosition(Kind.TIMESTAMP, timestamp);
    }
}
