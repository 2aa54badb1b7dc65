package dev.floe.engine.state;

import dev.floe.engine.spi.state.ListState;
import dev.floe.engine.spi.state.StateDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A list state of the heap backend: the serialized elements, length-prefixed, as one value. */
final class HeapListState<T> implements ListState<T> {
    private final HeapKeyedStateBackend backend;
    private final HeapTables.Table table;
    private final StateDescriptor<T> descriptor;

    HeapListState(HeapKeyedStateBackend backend, HeapTables.Table table, StateDescriptor<T> descriptor) {
        this.backend = backend;
        this.table = table;
        this.descriptor = descriptor;
    }

    @Override
    public List<T> get() {
        HeapTables.Entry entry = backend.liveEntry(table, backend.currentStateKey(null), descriptor);
        List<T> values = new ArrayList<>();
        if (entry == null) {
            return values;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry.value()))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                byte[] element = new byte[in.readInt()];
                in.readFully(element);
                values.add(descriptor.serializer().deserialize(element));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    @Override
    public void add(T value) {
        List<T> values = get();
        values.add(value);
        update(values);
    }

    @Override
    public void update(List<T> values) {
        if (values.isEmpty()) {
            clear();
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(values.size());
            for (T value : values) {
                byte[] element = descriptor.serializer().serialize(value);
                out.writeInt(element.length);
                out.write(element);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        table.entries.put(backend.currentStateKey(null), backend.newEntry(bytes.toByteArray()));
    }

    @Override
    public void clear() {
        table.entries.remove(backend.currentStateKey(null));
    }
}
