package dev.floe.engine.pipeline;

import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Map;

/**
 * Which re-read records a destination already holds. After a start that had to go back further
 * than a destination's own marker (checkpoint storage lost or older than the table), records below
 * the table's committed offsets are not written again and records below the dead-letter marker are
 * not dead-lettered again.
 *
 * <p>Lookups allocate nothing (an {@link OffsetTable}).
 */
final class SkipFilter {
    private final OffsetTable tableBelow = new OffsetTable();
    private final OffsetTable deadLettersBelow = new OffsetTable();

    private SkipFilter() {}

    /** A filter for sources starting at {@code start}, or null when nothing needs skipping. */
    static SkipFilter of(SourceOffsets start, SourceOffsets tableCommitted, SourceOffsets deadLettersDelivered) {
        SkipFilter filter = new SkipFilter();
        add(filter.tableBelow, start, tableCommitted);
        add(filter.deadLettersBelow, start, deadLettersDelivered);
        return filter.tableBelow.isEmpty() && filter.deadLettersBelow.isEmpty() ? null : filter;
    }

    private static void add(OffsetTable target, SourceOffsets start, SourceOffsets marker) {
        for (Map.Entry<SourcePartition, Long> entry : marker.asMap().entrySet()) {
            SourcePartition partition = entry.getKey();
            if (entry.getValue() > start.offset(partition).orElse(0)) {
                target.put(partition.topic(), partition.partition(), entry.getValue());
            }
        }
    }

    /** Whether the table already holds the record at {@code offset}. */
    boolean inTable(String topic, int partition, long offset) {
        return offset < tableBelow.get(topic, partition, Long.MIN_VALUE);
    }

    /** Whether the record at {@code offset}, if bad, was dead-lettered already. */
    boolean deadLettered(String topic, int partition, long offset) {
        return offset < deadLettersBelow.get(topic, partition, Long.MIN_VALUE);
    }
}
