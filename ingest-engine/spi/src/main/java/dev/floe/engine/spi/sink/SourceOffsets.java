package dev.floe.engine.spi.sink;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * For each topic-partition, the offset of the next record to read: everything before it has been
 * processed. Immutable and ordered by topic, then partition.
 */
public final class SourceOffsets {
    private static final SourceOffsets EMPTY = new SourceOffsets(new TreeMap<>());

    private final Map<SourcePartition, Long> offsets;

    private SourceOffsets(TreeMap<SourcePartition, Long> offsets) {
        this.offsets = Collections.unmodifiableMap(offsets);
    }

    public static SourceOffsets empty() {
        return EMPTY;
    }

    public static SourceOffsets of(Map<SourcePartition, Long> offsets) {
        TreeMap<SourcePartition, Long> copy = new TreeMap<>();
        for (Map.Entry<SourcePartition, Long> entry : offsets.entrySet()) {
            long offset = Objects.requireNonNull(entry.getValue(), "offset of " + entry.getKey());
            if (offset < 0) {
                throw new IllegalArgumentException("offset of " + entry.getKey() + " must not be negative: " + offset);
            }
            copy.put(entry.getKey(), offset);
        }
        return new SourceOffsets(copy);
    }

    public Map<SourcePartition, Long> asMap() {
        return offsets;
    }

    public OptionalLong offset(SourcePartition partition) {
        Long offset = offsets.get(partition);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    public boolean isEmpty() {
        return offsets.isEmpty();
    }

    /** These offsets, overridden by {@code newer} where both have a partition. */
    public SourceOffsets merge(SourceOffsets newer) {
        TreeMap<SourcePartition, Long> merged = new TreeMap<>(offsets);
        merged.putAll(newer.offsets);
        return new SourceOffsets(merged);
    }

    /** Whether every partition here is at or beyond its offset in {@code other}. */
    public boolean covers(SourceOffsets other) {
        for (Map.Entry<SourcePartition, Long> entry : other.offsets.entrySet()) {
            Long mine = offsets.get(entry.getKey());
            if (mine == null || mine < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SourceOffsets && offsets.equals(((SourceOffsets) other).offsets);
    }

    @Override
    public int hashCode() {
        return offsets.hashCode();
    }

    @Override
    public String toString() {
        return offsets.toString();
    }
}
