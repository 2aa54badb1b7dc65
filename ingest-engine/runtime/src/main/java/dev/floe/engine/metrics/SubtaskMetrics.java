package dev.floe.engine.metrics;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Map;

/**
 * What one subtask of a pipeline counts, kept across the pipeline's restarts so that counters only
 * grow. The subtask writes; metrics and the status API read.
 */
public final class SubtaskMetrics {
    private final int subtask;
    private final SubtaskCounter recordsIn = new SubtaskCounter();
    private final SubtaskCounter bytesIn = new SubtaskCounter();
    private final SubtaskCounter recordsOut = new SubtaskCounter();
    private volatile Map<SourcePartition, Long> lag = Map.of();
    private volatile long watermark = Long.MIN_VALUE;

    SubtaskMetrics(int subtask) {
        this.subtask = subtask;
    }

    public int subtask() {
        return subtask;
    }

    /** Records a source subtask read from Kafka. */
    public SubtaskCounter recordsIn() {
        return recordsIn;
    }

    /** Bytes of the records read (keys and values); sources only. */
    public SubtaskCounter bytesIn() {
        return bytesIn;
    }

    /** Rows the subtask handed on: to the sink writer or into the keyBy. */
    public SubtaskCounter recordsOut() {
        return recordsOut;
    }

    /** Records each partition's position is behind its end, as the last fetch said. */
    public Map<SourcePartition, Long> lag() {
        return lag;
    }

    /** Publishes the lag; a few times a second at most, from the subtask. */
    public void lag(Map<SourcePartition, Long> now) {
        this.lag = Map.copyOf(now);
    }

    /** The subtask's event time in epoch milliseconds, or {@link Long#MIN_VALUE} before any record. */
    public long watermark() {
        return watermark;
    }

    public void watermark(long epochMillis) {
        this.watermark = epochMillis;
    }
}
