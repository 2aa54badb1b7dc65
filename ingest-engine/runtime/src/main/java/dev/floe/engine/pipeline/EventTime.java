package dev.floe.engine.pipeline;

/**
 * A source subtask's event time: the largest record timestamp seen per partition, and as the
 * watermark the smallest of those over the partitions that have delivered anything, so the slowest
 * partition holds event time back.
 */
final class EventTime {
    private final OffsetTable maxTimestamps = new OffsetTable();
    private long emitted = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;

    void observe(String topic, int partition, long timestamp) {
        if (timestamp > maxTimestamps.get(topic, partition, Long.MIN_VALUE)) {
            maxTimestamps.put(topic, partition, timestamp);
        }
    }

    /** Whether the watermark moved since it was last reported; then {@link #watermark()} has it. */
    boolean advanced() {
        watermark = maxTimestamps.min(Long.MIN_VALUE);
        if (watermark > emitted) {
            emitted = watermark;
            return true;
        }
        return false;
    }

    long watermark() {
        return watermark;
    }
}
