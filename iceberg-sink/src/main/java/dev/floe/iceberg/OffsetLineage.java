package dev.floe.iceberg;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a table's rows came from: per topic-partition, how many rows and the first and last
 * offset among them. Counted per row without allocating; merged per commit into the snapshot
 * summary's {@code floe.ranges}.
 */
final class OffsetLineage {
    private final Map<String, Counts> byTopic = new HashMap<>();

    /** Counts the row at {@code offset} of {@code topic}-{@code partition}. */
    void add(String topic, int partition, long offset) {
        Counts counts = byTopic.get(topic);
        if (counts == null) {
            counts = new Counts();
            byTopic.put(topic, counts);
        }
        counts.add(partition, offset);
    }

    boolean isEmpty() {
        return byTopic.isEmpty();
    }

    /** The counts as values, ordered by topic and partition. */
    Map<SourcePartition, Range> ranges() {
        Map<SourcePartition, Range> ranges = new TreeMap<>();
        byTopic.forEach((topic, counts) -> {
            for (int p = 0; p < counts.rows.length; p++) {
                if (counts.rows[p] > 0) {
                    ranges.put(
                            new SourcePartition(topic, p), new Range(counts.rows[p], counts.first[p], counts.last[p]));
                }
            }
        });
        return ranges;
    }

    /**
     * Rows of one partition.
     *
     * @param rows how many
     * @param first the smallest offset among them
     * @param last the largest offset among them
     */
    record Range(long rows, long first, long last) {
        Range {
            if (rows <= 0 || first > last) {
                throw new IllegalArgumentException("invalid range of " + rows + " rows from " + first + " to " + last);
            }
        }

        Range merge(Range other) {
            return new Range(rows + other.rows, Math.min(first, other.first), Math.max(last, other.last));
        }
    }

    /** Merges ranges of the same table, as a commit of several checkpoints does. */
    static Map<SourcePartition, Range> merge(Map<SourcePartition, Range> a, Map<SourcePartition, Range> b) {
        Map<SourcePartition, Range> merged = new TreeMap<>(a);
        b.forEach((partition, range) -> merged.merge(partition, range, Range::merge));
        return merged;
    }

    private static final class Counts {
        long[] rows = new long[0];
        long[] first = new long[0];
        long[] last = new long[0];

        void add(int partition, long offset) {
            if (partition >= rows.length) {
                int size = Math.max(partition + 1, rows.length * 2);
                rows = Arrays.copyOf(rows, size);
                first = Arrays.copyOf(first, size);
                last = Arrays.copyOf(last, size);
            }
            if (rows[partition]++ == 0) {
                first[partition] = offset;
                last[partition] = offset;
            } else {
                first[partition] = Math.min(first[partition], offset);
                last[partition] = Math.max(last[partition], offset);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OffsetLineage && ranges().equals(((OffsetLineage) other).ranges());
    }

    @Override
    public int hashCode() {
        return Objects.hash(ranges());
    }
}
