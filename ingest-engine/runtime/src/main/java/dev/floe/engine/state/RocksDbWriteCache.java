package dev.floe.engine.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A write-back cache of stored entries in front of RocksDB, for the value and map states of one
 * keyed subtask: the entries a keyed operator reads and writes again and again (an open window's
 * accumulator, a key's last value) stay in memory as their stored bytes, and RocksDB sees only the
 * last write of each before a checkpoint or an eviction, as in Kafka Streams' record cache. A read
 * or write of RocksDB costs a JNI call and a search of the memtable's skip list; a hit costs a hash
 * lookup, with no allocation.
 *
 * <p>Values are kept encoded, time of write included, so that a read deserializes a fresh copy
 * (an operator may change what it read and drop it, as without the cache) and a time to live
 * applies to cached entries as to stored ones. Absent entries are cached too: a key read and not
 * found, or deleted, is known to be absent until written.
 *
 * <p>Bounded by an estimate of its bytes (keys, values and per-entry overhead); the least recently
 * used entry goes first, written to RocksDB if it was changed. {@link #flush} writes every changed
 * entry: before a snapshot, and before a state is iterated in RocksDB. Used from the subtask's
 * thread only.
 */
final class RocksDbWriteCache {
    /**
     * What an entry costs on the heap besides its key's and value's bytes: the map's node, the key
     * and entry objects, two array headers.
     */
    static final int ENTRY_OVERHEAD = 160;

    /** Writes an entry's changes to the store. */
    interface Store {
        void put(RocksDbState state, byte[] key, byte[] stored);

        void delete(RocksDbState state, byte[] key);
    }

    private final long capacity;
    private final Store store;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    /** The changed entries, and entries evicted since they changed (no longer dirty), dropped in bulk. */
    private final List<Entry> dirty = new ArrayList<>();

    private int dirtyCount;
    private final Key probe = new Key();
    private long bytes;
    private long hits;
    private long misses;

    /** @param capacity the bytes it may hold, by its estimate; 0 disables it */
    RocksDbWriteCache(long capacity, Store store) {
        this.capacity = capacity;
        this.store = store;
    }

    boolean enabled() {
        return capacity > 0;
    }

    /**
     * The cached entry of {@code key}'s first {@code length} bytes in {@code state}, or null when
     * it is not cached; a cached entry's {@link Entry#stored} is null when the entry is absent.
     */
    Entry get(RocksDbState state, byte[] key, int length) {
        Entry entry = entries.get(probe.of(state, key, length));
        if (entry == null) {
            misses++;
        } else {
            hits++;
        }
        return entry;
    }

    /** Caches what the store holds for a key: {@code stored}, or null when it holds nothing. */
    void loaded(RocksDbState state, byte[] key, int length, byte[] stored) {
        insert(state, key, length).set(stored, this);
    }

    /** Caches a write of {@code serialized} stamped with {@code writeTime}, for the store later. */
    void write(RocksDbState state, byte[] key, int length, long writeTime, byte[] serialized) {
        Entry entry = entries.get(probe.of(state, key, length));
        if (entry == null) {
            entry = insert(state, key, length);
        }
        byte[] stored = entry.stored;
        int size = 8 + serialized.length;
        if (stored == null || stored.length != size) {
            stored = new byte[size];
        }
        RocksDbKeys.writeLong(stored, 0, writeTime);
        System.arraycopy(serialized, 0, stored, 8, serialized.length);
        entry.set(stored, this);
        markDirty(entry);
    }

    /** Caches a delete, for the store later. */
    void delete(RocksDbState state, byte[] key, int length) {
        Entry entry = entries.get(probe.of(state, key, length));
        if (entry == null) {
            entry = insert(state, key, length);
        }
        entry.set(null, this);
        markDirty(entry);
    }

    /** Writes every changed entry to the store; they stay cached. */
    void flush() {
        if (dirtyCount > 0) {
            for (Entry entry : dirty) {
                write(entry);
            }
        }
        dirty.clear();
    }

    /** Forgets every entry, changed or not (when the store is replaced). */
    void clear() {
        entries.clear();
        dirty.clear();
        dirtyCount = 0;
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    private Entry insert(RocksDbState state, byte[] key, int length) {
        Key copy = new Key().of(state, Arrays.copyOf(key, length), length);
        Entry entry = new Entry(copy);
        entries.put(copy, entry);
        bytes += ENTRY_OVERHEAD + length;
        evict(entry);
        return entry;
    }

    /** Drops least recently used entries, but not {@code keep}, until within the capacity. */
    private void evict(Entry keep) {
        Iterator<Entry> oldest = entries.values().iterator();
        while (bytes > capacity && oldest.hasNext()) {
            Entry entry = oldest.next();
            if (entry == keep) {
                continue;
            }
            if (entry.dirty) {
                write(entry);
            }
            oldest.remove();
            bytes -= ENTRY_OVERHEAD + entry.key.length + (entry.stored == null ? 0 : entry.stored.length);
        }
    }

    private void markDirty(Entry entry) {
        if (!entry.dirty) {
            entry.dirty = true;
            dirtyCount++;
            if (dirty.size() > 2 * dirtyCount + 1024) {
                // many were evicted since the last flush: forget them, so that the list stays bounded
                dirty.removeIf(changed -> !changed.dirty);
            }
            dirty.add(entry);
        }
        evict(entry);
    }

    private void write(Entry entry) {
        if (!entry.dirty) {
            // evicted since it was changed: written then
            return;
        }
        entry.dirty = false;
        dirtyCount--;
        byte[] key = entry.key.bytes;
        if (entry.stored == null) {
            store.delete(entry.key.state, key);
        } else {
            store.put(entry.key.state, key, entry.stored);
        }
    }

    /** One cached entry: its stored bytes (null when absent) and whether the store lacks them. */
    static final class Entry {
        final Key key;
        byte[] stored;
        boolean dirty;

        Entry(Key key) {
            this.key = key;
        }

        void set(byte[] newStored, RocksDbWriteCache cache) {
            cache.bytes += (newStored == null ? 0 : newStored.length) - (stored == null ? 0 : stored.length);
            stored = newStored;
        }
    }

    /**
     * A state and a key: the cache's own keys own their bytes; the probe borrows the caller's buffer
     * for a lookup, so that a hit allocates nothing.
     */
    static final class Key {
        RocksDbState state;
        byte[] bytes;
        int length;
        int hash;

        Key of(RocksDbState newState, byte[] newBytes, int newLength) {
            state = newState;
            bytes = newBytes;
            length = newLength;
            int h = System.identityHashCode(newState);
            for (int i = 0; i < newLength; i++) {
                h = 31 * h + newBytes[i];
            }
            hash = h;
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Key)) {
                return false;
            }
            Key that = (Key) other;
            return state == that.state
                    && hash == that.hash
                    && Arrays.equals(bytes, 0, length, that.bytes, 0, that.length);
        }
    }
}
