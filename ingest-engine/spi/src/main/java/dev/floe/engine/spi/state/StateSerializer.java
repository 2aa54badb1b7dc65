package dev.floe.engine.spi.state;

/**
 * How a state value becomes bytes and back. State outlives processes and Floe versions, so a
 * serializer keeps its format stable and says which version it writes: a checkpoint written with
 * version {@code n} is read back by a serializer whose {@link #version()} is {@code n}, or refused.
 */
public interface StateSerializer<T> {
    /** The format version this serializer writes. */
    int version();

    byte[] serialize(T value);

    T deserialize(byte[] bytes);
}
