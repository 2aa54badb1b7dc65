package dev.floe.engine.state;

import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/** A map state of the heap backend: the current key's entries are one range of a sorted table. */
final class HeapMapState<K, V> implements MapState<K, V> {
    private static final byte[] NO_USER_KEY = new byte[0];

    private final HeapKeyedStateBackend backend;
    private final HeapTables.Table table;
    private final StateDescriptor<V> descriptor;
    private final StateSerializer<K> keySerializer;

    HeapMapState(
            HeapKeyedStateBackend backend,
            HeapTables.Table table,
            StateDescriptor<V> descriptor,
            StateSerializer<K> keySerializer) {
        this.backend = backend;
        this.table = table;
        this.descriptor = descriptor;
        this.keySerializer = keySerializer;
    }

    @Override
    public V get(K key) {
        HeapTables.Entry entry =
                backend.liveEntry(table, backend.currentStateKey(keySerializer.serialize(key)), descriptor);
        return entry == null ? null : descriptor.serializer().deserialize(entry.value());
    }

    @Override
    public void put(K key, V value) {
        table.entries.put(
                backend.currentStateKey(keySerializer.serialize(key)),
                backend.newEntry(descriptor.serializer().serialize(value)));
    }

    @Override
    public void remove(K key) {
        table.entries.remove(backend.currentStateKey(keySerializer.serialize(key)));
    }

    @Override
    public boolean contains(K key) {
        return backend.liveEntry(table, backend.currentStateKey(keySerializer.serialize(key)), descriptor) != null;
    }

    /** The current key's range of the table, expired entries removed. */
    private List<Map.Entry<StateKey, HeapTables.Entry>> range() {
        StateKey from = backend.currentStateKey(NO_USER_KEY);
        NavigableMap<StateKey, HeapTables.Entry> tail = table.sorted().tailMap(from, true);
        List<Map.Entry<StateKey, HeapTables.Entry>> entries = new ArrayList<>();
        Iterator<Map.Entry<StateKey, HeapTables.Entry>> iterator =
                tail.entrySet().iterator();
        while (iterator.hasNext()) {
            Map.Entry<StateKey, HeapTables.Entry> entry = iterator.next();
            StateKey key = entry.getKey();
            if (key.keyGroup != from.keyGroup || !java.util.Arrays.equals(key.key, from.key)) {
                break;
            }
            if (backend.isExpired(entry.getValue(), descriptor)) {
                iterator.remove();
            } else {
                entries.add(entry);
            }
        }
        return entries;
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() {
        List<Map.Entry<K, V>> entries = new ArrayList<>();
        for (Map.Entry<StateKey, HeapTables.Entry> entry : range()) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(
                    keySerializer.deserialize(entry.getKey().userKey),
                    descriptor.serializer().deserialize(entry.getValue().value())));
        }
        return entries;
    }

    @Override
    public boolean isEmpty() {
        return range().isEmpty();
    }

    @Override
    public void clear() {
        for (Map.Entry<StateKey, HeapTables.Entry> entry : range()) {
            table.entries.remove(entry.getKey());
        }
    }
}
