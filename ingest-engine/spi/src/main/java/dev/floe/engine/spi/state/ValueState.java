package dev.floe.engine.spi.state;

/** One value per key. */
public interface ValueState<T> {
    /** The current key's value, or null. */
    T value();

    void update(T value);

    void clear();
}
