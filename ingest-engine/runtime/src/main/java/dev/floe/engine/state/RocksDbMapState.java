package dev.floe.engine.state;

import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.StateSerializer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksIterator;

/** A map state of the RocksDB backend: the current key's entries are one range of keys. */
final class RocksDbMapState<K, V> implements MapState<K, V> {
    private final RocksDbKeyedStateBackend backend;
    private final RocksDbState state;
    private final StateSerializer<V> valueSerializer;
    private final StateSerializer<K> keySerializer;

    RocksDbMapState(
            RocksDbKeyedStateBackend backend,
            RocksDbState state,
            StateSerializer<V> valueSerializer,
            StateSerializer<K> keySerializer) {
        this.backend = backend;
        this.state = state;
        this.valueSerializer = valueSerializer;
        this.keySerializer = keySerializer;
    }

    private int keyLength(byte[] mapKey) {
        return backend.currentPrefixLength() + mapKey.length;
    }

    @Override
    public V get(K key) {
        byte[] mapKey = keySerializer.serialize(key);
        byte[] stored = backend.read(state, backend.mapKey(mapKey), keyLength(mapKey));
        return stored == null ? null : valueSerializer.deserialize(RocksDbValues.serialized(stored));
    }

    @Override
    public void put(K key, V value) {
        byte[] mapKey = keySerializer.serialize(key);
        backend.write(state, backend.mapKey(mapKey), keyLength(mapKey), valueSerializer.serialize(value));
    }

    @Override
    public void remove(K key) {
        byte[] mapKey = keySerializer.serialize(key);
        backend.delete(state, backend.mapKey(mapKey), keyLength(mapKey));
    }

    @Override
    public boolean contains(K key) {
        byte[] mapKey = keySerializer.serialize(key);
        return backend.read(state, backend.mapKey(mapKey), keyLength(mapKey)) != null;
    }

    /**
     * The current key's live entries as (map key, stored value) pairs, in key order; expired ones
     * are deleted. Stops after {@code limit} entries.
     */
    private List<byte[][]> range(int limit) {
        // the iteration reads RocksDB: what the cache holds changed must be there first
        backend.flushCache();
        byte[] prefix = backend.currentPrefix();
        long now = backend.now();
        List<byte[][]> entries = new ArrayList<>();
        List<byte[]> expired = new ArrayList<>();
        try (RocksIterator iterator = backend.store().iterator(state.column())) {
            for (iterator.seek(prefix); iterator.isValid() && entries.size() < limit; iterator.next()) {
                byte[] key = iterator.key();
                if (!RocksDbKeys.hasPrefix(key, prefix, prefix.length)) {
                    break;
                }
                byte[] stored = iterator.value();
                if (RocksDbValues.expired(state.meta(), stored, now)) {
                    expired.add(key);
                } else {
                    entries.add(new byte[][] {RocksDbKeys.mapKey(key, prefix.length), stored});
                }
            }
        }
        for (byte[] key : expired) {
            backend.delete(state, key, key.length);
        }
        return entries;
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() {
        List<Map.Entry<K, V>> entries = new ArrayList<>();
        for (byte[][] entry : range(Integer.MAX_VALUE)) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(
                    keySerializer.deserialize(entry[0]),
                    valueSerializer.deserialize(RocksDbValues.serialized(entry[1]))));
        }
        return entries;
    }

    @Override
    public boolean isEmpty() {
        return range(1).isEmpty();
    }

    @Override
    public void clear() {
        for (byte[][] entry : range(Integer.MAX_VALUE)) {
            backend.delete(state, backend.mapKey(entry[0]), keyLength(entry[0]));
        }
    }
}
