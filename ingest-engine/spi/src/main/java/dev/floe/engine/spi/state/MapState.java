package dev.floe.engine.spi.state;

import java.util.Map;

/** A map per key, for example window start to accumulator. */
public interface MapState<K, V> {
    V get(K key);

    void put(K key, V value);

    void remove(K key);

    boolean contains(K key);

    /** The current key's entries, ordered by the serialized map key's bytes (unsigned). */
    Iterable<Map.Entry<K, V>> entries();

    boolean isEmpty();

    void clear();
}
