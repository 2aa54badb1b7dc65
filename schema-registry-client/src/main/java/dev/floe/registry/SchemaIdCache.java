package dev.floe.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Values by schema id, at most {@code maxEntries}; beyond it the least recently used is evicted.
 *
 * <p>Keys are primitive {@code int}s in an open-addressing table that is replaced whole on every
 * write (copy on write), so a read is a volatile read and a probe: no lock, no boxing, no
 * allocation. Writes are serialized and cost a copy of the table, which suits schema ids: read
 * for every record, written once per new id.
 */
final class SchemaIdCache<V> {
    private static final int MIN_CAPACITY = 16;

    private final int maxEntries;
    private final Recency recency = new Recency();
    private volatile Table<V> table = new Table<>(MIN_CAPACITY);

    SchemaIdCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a cache needs room for at least one entry, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The value of {@code id}, now the most recently used, or null. */
    V get(int id) {
        Table<V> current = table;
        int mask = current.ids.length - 1;
        for (int i = Table.spread(id) & mask; ; i = (i + 1) & mask) {
            Recency.Slot<V> slot = current.slots[i];
            if (slot == null) {
                return null;
            }
            if (current.ids[i] == id) {
                recency.touch(slot);
                return slot.value;
            }
        }
    }

    /** Maps {@code id} to {@code value}, evicting the least recently used entry when full. */
    synchronized void put(int id, V value) {
        Table<V> current = table;
        List<Integer> ids = new ArrayList<>(current.size + 1);
        List<Recency.Slot<V>> slots = new ArrayList<>(current.size + 1);
        int oldest = -1;
        for (int i = 0; i < current.slots.length; i++) {
            Recency.Slot<V> slot = current.slots[i];
            if (slot != null && current.ids[i] != id) {
                ids.add(current.ids[i]);
                slots.add(slot);
                if (oldest < 0 || slot.lastUsed < slots.get(oldest).lastUsed) {
                    oldest = slots.size() - 1;
                }
            }
        }
        if (slots.size() >= maxEntries) {
            ids.remove(oldest);
            slots.remove(oldest);
        }
        ids.add(id);
        slots.add(recency.slot(value));
        Table<V> next = new Table<>(capacityFor(slots.size()));
        for (int i = 0; i < slots.size(); i++) {
            next.insert(ids.get(i), slots.get(i));
        }
        table = next;
    }

    int size() {
        return table.size;
    }

    /** A power of two at least twice {@code entries}: probes stay short. */
    private static int capacityFor(int entries) {
        int capacity = MIN_CAPACITY;
        while (capacity < entries * 2) {
            capacity <<= 1;
        }
        return capacity;
    }

    private static final class Table<V> {
        final int[] ids;
        final Recency.Slot<V>[] slots;
        int size;

        @SuppressWarnings("unchecked") // an array of a generic type cannot be created otherwise
        Table(int capacity) {
            this.ids = new int[capacity];
            this.slots = (Recency.Slot<V>[]) new Recency.Slot<?>[capacity];
        }

        /** Before the table is published: no reader sees it half filled. */
        void insert(int id, Recency.Slot<V> slot) {
            int mask = ids.length - 1;
            int i = spread(id) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            ids[i] = id;
            slots[i] = slot;
            size++;
        }

        /** Ids are often consecutive: mix their bits so that they do not cluster. */
        static int spread(int id) {
            int h = id * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }
}
