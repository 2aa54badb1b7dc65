package dev.floe.engine.metrics;

import dev.floe.engine.checkpoint.CheckpointObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest checkpoints of one pipeline, for the status API and the dashboard. Written by the
 * coordinator's thread once per checkpoint, read by HTTP requests.
 */
public final class CheckpointHistory {
    /** Checkpoints kept; older ones are forgotten. */
    static final int KEPT = 60;

    /** Where a checkpoint got to. */
    public enum Status {
        /** Durable in checkpoint storage, its commit not done yet. */
        STORED,
        /** In every destination. */
        COMMITTED,
        /** Aborted or not stored; its work carried over to the next. */
        FAILED
    }

    /**
     * One checkpoint.
     *
     * @param id its id
     * @param triggeredAt when its barriers were injected
     * @param duration from trigger to durable storage, or to its failure
     * @param records rows written for it
     * @param bytes bytes of its files, state and dead letters
     * @param deadLetters records it dead-letters
     * @param status where it got to
     * @param failure why it failed, or null
     */
    public record Entry(
            long id,
            Instant triggeredAt,
            Duration duration,
            long records,
            long bytes,
            int deadLetters,
            Status status,
            String failure) {}

    private final Map<Long, Entry> entries = new LinkedHashMap<>();

    synchronized void stored(CheckpointObserver.CheckpointSummary checkpoint) {
        put(new Entry(
                checkpoint.checkpointId(),
                checkpoint.triggeredAt(),
                checkpoint.duration(),
                checkpoint.records(),
                checkpoint.bytes(),
                checkpoint.deadLetters(),
                Status.STORED,
                null));
    }

    synchronized void failed(long id, Instant triggeredAt, Duration duration, String reason) {
        put(new Entry(id, triggeredAt, duration, 0, 0, 0, Status.FAILED, reason));
    }

    /** Every stored checkpoint up to {@code id} is committed. */
    synchronized void committedUpTo(long id) {
        entries.replaceAll((key, entry) -> key <= id && entry.status() == Status.STORED
                ? new Entry(
                        entry.id(),
                        entry.triggeredAt(),
                        entry.duration(),
                        entry.records(),
                        entry.bytes(),
                        entry.deadLetters(),
                        Status.COMMITTED,
                        null)
                : entry);
    }

    private void put(Entry entry) {
        entries.remove(entry.id());
        entries.put(entry.id(), entry);
        while (entries.size() > KEPT) {
            entries.remove(entries.keySet().iterator().next());
        }
    }

    /** The kept checkpoints, oldest first. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }
}
