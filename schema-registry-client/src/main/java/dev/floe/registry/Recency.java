package dev.floe.registry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The order in which a cache's entries were last used, by a logical clock: every use of an entry
 * that is not already the most recently used one stamps it with the next tick. A hit takes no
 * lock and allocates nothing, and a hit on the most recently used entry writes nothing.
 */
final class Recency {
    private final AtomicLong clock = new AtomicLong();

    /** A new entry, used now. */
    <V> Slot<V> slot(V value) {
        return new Slot<>(value, clock.incrementAndGet());
    }

    /** Marks {@code slot} as the most recently used. */
    void touch(Slot<?> slot) {
        if (slot.lastUsed != clock.get()) {
            slot.lastUsed = clock.incrementAndGet();
        }
    }

    /** A cached value with the tick of its last use. */
    static final class Slot<V> {
        final V value;
        volatile long lastUsed;

        private Slot(V value, long lastUsed) {
            this.value = value;
            this.lastUsed = lastUsed;
        }
    }
}
