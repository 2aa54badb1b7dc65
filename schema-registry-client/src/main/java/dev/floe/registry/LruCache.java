package dev.floe.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A map of at most {@code maxEntries} entries; beyond it the least recently used is evicted. A
 * read is one {@link ConcurrentHashMap} read plus a recency stamp: no lock, no allocation. Writes
 * are serialized and scan the entries to evict, which suits caches that are read far more often
 * than they are filled.
 */
final class LruCache<K, V> {
    private final int maxEntries;
    private final Recency recency = new Recency();
    private final ConcurrentHashMap<K, Recency.Slot<V>> slots = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();

    LruCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a cache needs room for at least one entry, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The value of {@code key}, now the most recently used, or null. */
    V get(K key) {
        Recency.Slot<V> slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        recency.touch(slot);
        return slot.value;
    }

    /** Maps {@code key} to {@code value}, evicting the least recently used entry when full. */
    void put(K key, V value) {
        synchronized (writeLock) {
            slots.put(key, recency.slot(value));
            if (slots.size() > maxEntries) {
                evictLeastRecentlyUsed();
            }
        }
    }

    /** Removes {@code key} if it still maps to {@code value}. */
    void remove(K key, V value) {
        synchronized (writeLock) {
            Recency.Slot<V> slot = slots.get(key);
            if (slot != null && slot.value == value) {
                slots.remove(key, slot);
            }
        }
    }

    int size() {
        return slots.size();
    }

    private void evictLeastRecentlyUsed() {
        K oldest = null;
        long oldestUse = Long.MAX_VALUE;
        for (Map.Entry<K, Recency.Slot<V>> entry : slots.entrySet()) {
            long lastUsed = entry.getValue().lastUsed;
            if (lastUsed < oldestUse) {
                oldestUse = lastUsed;
                oldest = entry.getKey();
            }
        }
        slots.remove(oldest);
    }
}
