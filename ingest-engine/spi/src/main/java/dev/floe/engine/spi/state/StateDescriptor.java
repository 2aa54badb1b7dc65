package dev.floe.engine.spi.state;

import java.time.Duration;
import java.util.Objects;

/**
 * Names a piece of keyed state and says how its values are stored.
 *
 * @param name unique within the operator; the state's identity across restarts
 * @param serializer how values are stored
 * @param ttl how long an entry lives after its last write, or null for ever
 */
public record StateDescriptor<T>(String name, StateSerializer<T> serializer, Duration ttl) {
    public StateDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(serializer, "serializer");
        if (!name.matches("[A-Za-z0-9_.-]{1,100}")) {
            throw new IllegalArgumentException("state name '" + name + "' must be letters, digits, '_', '.', '-'");
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("the ttl of state " + name + " must be positive: " + ttl);
        }
    }

    public static <T> StateDescriptor<T> of(String name, StateSerializer<T> serializer) {
        return new StateDescriptor<>(name, serializer, null);
    }

    public StateDescriptor<T> withTtl(Duration newTtl) {
        return new StateDescriptor<>(name, serializer, newTtl);
    }
}
