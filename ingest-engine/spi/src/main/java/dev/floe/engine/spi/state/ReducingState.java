package dev.floe.engine.spi.state;

import java.util.function.BinaryOperator;

/** A value per key, combined with every value added by a reduce function. */
public interface ReducingState<T> {
    /** The reduction of everything added, or null. */
    T get();

    void add(T value);

    void clear();

    /** The reduce function of a reducing state. */
    interface Reducer<T> extends BinaryOperator<T> {}
}
