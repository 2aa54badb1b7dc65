package dev.floe.iceberg;

import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** An offset per topic-partition, looked up per row without allocating; {@link #ABSENT} where none. */
final class PartitionOffsets {
    static final long ABSENT = Long.MIN_VALUE;

    private final Map<String, long[]> byTopic = new HashMap<>();

    static PartitionOffsets of(SourceOffsets offsets) {
        PartitionOffsets table = new PartitionOffsets();
        for (Map.Entry<SourcePartition, Long> entry : offsets.asMap().entrySet()) {
            table.put(entry.getKey().topic(), entry.getKey().partition(), entry.getValue());
        }
        return table;
    }

    boolean isEmpty() {
        return byTopic.isEmpty();
    }

    void put(String topic, int partition, long offset) {
        long[] offsets = byTopic.get(topic);
        if (offsets == null || offsets.length <= partition) {
            long[] grown = new long[Math.max(partition + 1, offsets == null ? 0 : offsets.length * 2)];
            Arrays.fill(grown, ABSENT);
            if (offsets != null) {
                System.arraycopy(offsets, 0, grown, 0, offsets.length);
            }
            offsets = grown;
            byTopic.put(topic, offsets);
        }
        offsets[partition] = offset;
    }

    long get(String topic, int partition) {
        long[] offsets = byTopic.get(topic);
        if (offsets == null || partition >= offsets.length) {
            return ABSENT;
        }
        return offsets[partition];
    }
}
