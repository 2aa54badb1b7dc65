package dev.floe.engine.time;

/** How a numeric event-time field counts time since the epoch. */
public enum EventTimeUnit {
    SECONDS(1000, 1),
    MILLIS(1, 1),
    MICROS(1, 1000),
    NANOS(1, 1_000_000);

    private final long multiplier;
    private final long divisor;

    EventTimeUnit(long multiplier, long divisor) {
        this.multiplier = multiplier;
        this.divisor = divisor;
    }

    /** {@code value} of this unit in epoch milliseconds, rounded down. */
    public long toMillis(long value) {
        return divisor == 1 ? Math.multiplyExact(value, multiplier) : Math.floorDiv(value, divisor);
    }
}
