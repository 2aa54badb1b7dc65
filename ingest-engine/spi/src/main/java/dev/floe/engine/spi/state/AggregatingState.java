package dev.floe.engine.spi.state;

/** An accumulator per key that values are added to; its result is derived on read. */
public interface AggregatingState<I, O> {
    /** The result for everything added, or null when nothing was. */
    O get();

    void add(I value);

    void clear();

    /** How an aggregating state accumulates. */
    interface Aggregator<I, A, O> {
        A createAccumulator();

        A add(I value, A accumulator);

        O result(A accumulator);
    }
}
