package dev.floe.engine.pipeline;

import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.HashMap;
import java.util.Map;

/**
 * Which re-read records a destination already holds. After a start that had to go back further
 * than a destination's own marker (checkpoint storage lost or older than the table), records below
 * the table's committed offsets are not written again and records below the dead-letter marker are
 * not dead-lettered again.
 *
 * <p>Lookups allocate nothing: per topic, arrays indexed by partition.
 */
final class SkipFilter {
    private final Map<String, long[]> tableBelow = new HashMap<>();
    private final Map<String, long[]> deadLettersBelow = new HashMap<>();

    private SkipFilter() {}

    /** A filter for sources starting at {@code start}, or null when nothing needs skipping. */
    static SkipFilter of(SourceOffsets start, SourceOffsets tableCommitted, SourceOffsets deadLettersDelivered) {
        SkipFilter filter = new SkipFilter();
        boolean any = filter.add(filter.tableBelow, start, tableCommitted);
        any |= filter.add(filter.deadLettersBelow, start, deadLettersDelivered);
        return any ? filter : null;
    }

    private boolean add(Map<String, long[]> target, SourceOffsets start, SourceOffsets marker) {
        boolean any = false;
        for (Map.Entry<SourcePartition, Long> entry : marker.asMap().entrySet()) {
            SourcePartition partition = entry.getKey();
            long from = start.offset(partition).orElse(0);
            if (entry.getValue() > from) {
                long[] offsets = target.computeIfAbsent(partition.topic(), topic -> new long[0]);
                if (offsets.length <= partition.partition()) {
                    long[] grown = new long[partition.partition() + 1];
                    System.arraycopy(offsets, 0, grown, 0, offsets.length);
                    offsets = grown;
                    target.put(partition.topic(), offsets);
                }
                offsets[partition.partition()] = entry.getValue();
                any = true;
            }
        }
        return any;
    }

    /** Whether the table already holds the record at {@code offset}. */
    boolean inTable(String topic, int partition, long offset) {
        return below(tableBelow, topic, partition, offset);
    }

    /** Whether the record at {@code offset}, if bad, was dead-lettered already. */
    boolean deadLettered(String topic, int partition, long offset) {
        return below(deadLettersBelow, topic, partition, offset);
    }

    private static boolean below(Map<String, long[]> markers, String topic, int partition, long offset) {
        long[] offsets = markers.get(topic);
        return offsets != null && partition < offsets.length && offset < offsets[partition];
    }
}
