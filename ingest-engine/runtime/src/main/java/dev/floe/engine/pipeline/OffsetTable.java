package dev.floe.engine.pipeline;

import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Offsets by topic and partition, looked up per record without allocating. */
final class OffsetTable {
    private final Map<String, long[]> byTopic = new HashMap<>();

    static OffsetTable of(SourceOffsets offsets) {
        OffsetTable table = new OffsetTable();
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
            long[] grown = new long[partition + 1];
            Arrays.fill(grown, Long.MIN_VALUE);
            if (offsets != null) {
                System.arraycopy(offsets, 0, grown, 0, offsets.length);
            }
            offsets = grown;
            byTopic.put(topic, offsets);
        }
        offsets[partition] = offset;
    }

    /** The offset of the partition, or {@code absent} when the table has none. */
    long get(String topic, int partition, long absent) {
        long[] offsets = byTopic.get(topic);
        if (offsets == null || partition >= offsets.length || offsets[partition] == Long.MIN_VALUE) {
            return absent;
        }
        return offsets[partition];
    }

    /** The smallest offset in the table, or {@code absent} when it is empty. */
    long min(long absent) {
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (long[] offsets : byTopic.values()) {
            for (long offset : offsets) {
                if (offset != Long.MIN_VALUE) {
                    min = Math.min(min, offset);
                    any = true;
                }
            }
        }
        return any ? min : absent;
    }
}
