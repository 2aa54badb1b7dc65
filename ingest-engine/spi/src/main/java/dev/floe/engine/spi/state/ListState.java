package dev.floe.engine.spi.state;

import java.util.List;

/** A list per key. */
public interface ListState<T> {
    /** The current key's values in the order added; empty when none. */
    List<T> get();

    void add(T value);

    void update(List<T> values);

    void clear();
}
