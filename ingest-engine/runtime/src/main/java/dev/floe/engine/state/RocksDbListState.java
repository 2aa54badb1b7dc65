package dev.floe.engine.state;

import dev.floe.engine.spi.state.ListState;
import dev.floe.engine.spi.state.StateSerializer;
import java.util.ArrayList;
import java.util.List;

/** A list state of the RocksDB backend: an add is a merge that appends, without reading the list. */
final class RocksDbListState<T> implements ListState<T> {
    private final RocksDbKeyedStateBackend backend;
    private final RocksDbState state;
    private final StateSerializer<T> serializer;

    RocksDbListState(RocksDbKeyedStateBackend backend, RocksDbState state, StateSerializer<T> serializer) {
        this.backend = backend;
        this.state = state;
        this.serializer = serializer;
    }

    @Override
    public List<T> get() {
        byte[] stored = backend.readCurrent(state);
        List<T> values = new ArrayList<>();
        if (stored != null) {
            for (byte[] element : RocksDbValues.listElements(stored)) {
                values.add(serializer.deserialize(element));
            }
        }
        return values;
    }

    @Override
    public void add(T value) {
        if (state.meta().ttlMillis() > 0) {
            // an expired list must not come back with the new element: reading deletes it
            backend.readCurrent(state);
        }
        backend.mergeCurrent(state, RocksDbValues.listElement(backend.now(), serializer.serialize(value)));
    }

    @Override
    public void update(List<T> values) {
        if (values.isEmpty()) {
            clear();
            return;
        }
        List<byte[]> elements = new ArrayList<>(values.size());
        for (T value : values) {
            elements.add(serializer.serialize(value));
        }
        backend.putCurrentEncoded(state, RocksDbValues.list(backend.now(), elements));
    }

    @Override
    public void clear() {
        backend.deleteCurrent(state);
    }
}
