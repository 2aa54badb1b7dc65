package dev.floe.engine.state;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The contents of a heap backend: a table per state of serialized entries, and the timers. Values
 * are never mutated in place (a write replaces the array), so a snapshot is a shallow copy.
 */
final class HeapTables {
    /** A stored value and when it was written, for time-to-live. */
    record Entry(byte[] value, long writtenAt) {}

    /** A timer of one key. */
    record Timer(long time, int keyGroup, byte[] key) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(time, other.time);
            if (byTime != 0) {
                return byTime;
            }
            int byGroup = Integer.compare(keyGroup, other.keyGroup);
            return byGroup != 0 ? byGroup : java.util.Arrays.compareUnsigned(key, other.key);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Timer && compareTo((Timer) other) == 0;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(time) * 31 + java.util.Arrays.hashCode(key);
        }
    }

    /** What a state stores per key: one value, or a map of values. */
    enum Kind {
        VALUE,
        MAP
    }

    /** One state's table. Map states are ordered so that a key's entries are one range. */
    static final class Table {
        final Kind kind;
        final int serializerVersion;
        final Map<StateKey, Entry> entries;
        /** Time to live of the entries, set when the operator declares the state; 0 for ever. */
        long ttlMillis;

        Table(Kind kind, int serializerVersion) {
            this(kind, serializerVersion, kind == Kind.MAP ? new TreeMap<>() : new HashMap<>());
        }

        private Table(Kind kind, int serializerVersion, Map<StateKey, Entry> entries) {
            this.kind = kind;
            this.serializerVersion = serializerVersion;
            this.entries = entries;
        }

        NavigableMap<StateKey, Entry> sorted() {
            return (NavigableMap<StateKey, Entry>) entries;
        }

        Table copy() {
            Table copy = new Table(
                    kind, serializerVersion, kind == Kind.MAP ? new TreeMap<>(entries) : new HashMap<>(entries));
            copy.ttlMillis = ttlMillis;
            return copy;
        }

        boolean expired(Entry entry, long now) {
            return ttlMillis > 0 && now - entry.writtenAt() >= ttlMillis;
        }
    }

    final Map<String, Table> tables = new HashMap<>();
    final TreeSet<Timer> eventTimers = new TreeSet<>();
    final TreeSet<Timer> processingTimers = new TreeSet<>();

    /** A consistent copy for a snapshot, cheap enough for the processing thread. */
    HeapTables copy() {
        HeapTables copy = new HeapTables();
        tables.forEach((name, table) -> copy.tables.put(name, table.copy()));
        copy.eventTimers.addAll(eventTimers);
        copy.processingTimers.addAll(processingTimers);
        return copy;
    }
}
