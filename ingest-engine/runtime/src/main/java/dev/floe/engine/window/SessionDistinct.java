package dev.floe.engine.window;

import dev.floe.engine.spi.state.MapState;
import java.nio.ByteBuffer;
import java.util.Map;

/** Moves the distinct values of a session into the session it merges into, counting them again. */
final class SessionDistinct {
    private SessionDistinct() {}

    static void move(MapState<byte[], byte[]> values, long from, WindowAccumulator into, WindowLayout layout) {
        if (from != into.start) {
            for (Map.Entry<byte[], byte[]> entry : WindowOperator.snapshot(values.entries())) {
                byte[] key = entry.getKey();
                if (ByteBuffer.wrap(key).getLong() == from) {
                    values.remove(key);
                    byte[] moved = key.clone();
                    ByteBuffer.wrap(moved).putLong(into.start);
                    values.put(moved, entry.getValue());
                }
            }
        }
        for (int i = 0; i < layout.aggregates.size(); i++) {
            Aggregate aggregate = layout.aggregates.get(i);
            if (aggregate instanceof Aggregate.DistinctCount) {
                long count = 0;
                for (Map.Entry<byte[], byte[]> entry : WindowOperator.snapshot(values.entries())) {
                    ByteBuffer key = ByteBuffer.wrap(entry.getKey());
                    if (key.getLong() == into.start && key.get() == i) {
                        count++;
                    }
                }
                into.longs[aggregate.longSlot] = count;
            }
        }
    }
}
