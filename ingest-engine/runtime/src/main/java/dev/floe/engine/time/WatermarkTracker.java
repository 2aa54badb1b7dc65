package dev.floe.engine.time;

import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The watermark of one source subtask: per partition, the largest event time seen minus the
 * allowed out-of-orderness; for the subtask, the smallest of those over its active partitions. A
 * partition that delivered nothing for the idle timeout stops holding the watermark back until it
 * delivers again; a subtask whose partitions are all idle (or that has none) is idle itself, so
 * that the keyed stage does not wait for it.
 *
 * <p>{@link #observe} runs per record and allocates nothing; {@link #update} runs after each poll
 * with the processing time. Used by one thread.
 *
 * <p>A watermark W says: no record at or before W is expected any more. With out-of-orderness D and
 * the largest event time seen M, W = M - D - 1, so a record at M - D is still on time.
 */
public final class WatermarkTracker {
    /** What {@link #update} found. */
    public enum Change {
        /** Nothing to tell downstream. */
        NONE,
        /** The watermark grew, or the subtask became active again: send {@link #watermark()}. */
        ADVANCED,
        /** Every partition is idle: tell downstream not to wait for this subtask. */
        IDLE
    }

    private final long outOfOrderness;
    private final long idleTimeout;
    private final Map<String, Slot[]> byTopic = new HashMap<>();
    private final Slot[] slots;
    private String lastTopic;
    private Slot[] lastSlots;
    private long emitted = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private boolean idle;

    /**
     * @param partitions the partitions the subtask reads
     * @param maxOutOfOrderness how late a record may be behind its partition's newest
     * @param idleTimeout how long a silent partition holds the watermark back; zero for ever
     * @param now the processing time at the start, epoch milliseconds
     */
    public WatermarkTracker(
            List<SourcePartition> partitions, Duration maxOutOfOrderness, Duration idleTimeout, long now) {
        this.outOfOrderness = maxOutOfOrderness.toMillis();
        this.idleTimeout = idleTimeout.toMillis();
        this.slots = new Slot[partitions.size()];
        for (int i = 0; i < slots.length; i++) {
            SourcePartition partition = partitions.get(i);
            Slot slot = new Slot(now);
            slots[i] = slot;
            Slot[] topic = byTopic.get(partition.topic());
            if (topic == null || topic.length <= partition.partition()) {
                Slot[] grown = new Slot[partition.partition() + 1];
                if (topic != null) {
                    System.arraycopy(topic, 0, grown, 0, topic.length);
                }
                topic = grown;
                byTopic.put(partition.topic(), topic);
            }
            topic[partition.partition()] = slot;
        }
    }

    /** A record of {@code topic}-{@code partition} at event time {@code millis}. */
    public void observe(String topic, int partition, long millis) {
        Slot[] topicSlots = topic == lastTopic ? lastSlots : lookUp(topic);
        Slot slot = partition < topicSlots.length ? topicSlots[partition] : null;
        if (slot == null) {
            throw new IllegalArgumentException("Cannot track event time of " + topic + "-" + partition
                    + ": the subtask was not assigned that partition");
        }
        slot.seen = true;
        if (millis > slot.max) {
            slot.max = millis;
        }
    }

    private Slot[] lookUp(String topic) {
        Slot[] found = byTopic.get(topic);
        if (found == null) {
            throw new IllegalArgumentException("Cannot track event time of topic " + topic + ": not assigned");
        }
        lastTopic = topic;
        lastSlots = found;
        return found;
    }

    /** Takes what the last poll observed at processing time {@code now}; see {@link Change}. */
    public Change update(long now) {
        long min = Long.MAX_VALUE;
        boolean anyActive = false;
        for (Slot slot : slots) {
            if (slot.seen) {
                slot.seen = false;
                slot.lastActive = now;
            }
            if (idleTimeout > 0 && now - slot.lastActive >= idleTimeout) {
                continue;
            }
            anyActive = true;
            min = Math.min(min, slot.max);
        }
        if (!anyActive) {
            if (idle) {
                return Change.NONE;
            }
            idle = true;
            return Change.IDLE;
        }
        long next = min == Long.MIN_VALUE ? Long.MIN_VALUE : Math.max(Long.MIN_VALUE, min - outOfOrderness - 1);
        watermark = Math.max(watermark, next);
        if (idle) {
            idle = false;
            emitted = watermark;
            return Change.ADVANCED;
        }
        if (watermark > emitted) {
            emitted = watermark;
            return Change.ADVANCED;
        }
        return Change.NONE;
    }

    /** The subtask's watermark, epoch milliseconds; {@link Long#MIN_VALUE} before any. */
    public long watermark() {
        return watermark;
    }

    public boolean isIdle() {
        return idle;
    }

    private static final class Slot {
        long max = Long.MIN_VALUE;
        long lastActive;
        boolean seen;

        Slot(long now) {
            this.lastActive = now;
        }
    }
}
