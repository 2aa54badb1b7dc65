package dev.floe.engine.metrics;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records one pipeline dead-lettered: a count per error code, and the latest reasons. Written on
 * the (rare) rejection path of the subtasks, read by HTTP requests.
 */
public final class DeadLetterStats {
    static final int KEPT_REASONS = 20;

    /**
     * One rejected record.
     *
     * @param at when it was rejected
     * @param code the error code
     * @param reason what was wrong
     * @param location topic-partition@offset
     */
    public record Rejection(Instant at, String code, String reason, String location) {}

    private final Map<String, Long> byCode = new TreeMap<>();
    private final Deque<Rejection> latest = new ArrayDeque<>();

    synchronized void rejected(Rejection rejection) {
        byCode.merge(rejection.code(), 1L, Long::sum);
        latest.addFirst(rejection);
        if (latest.size() > KEPT_REASONS) {
            latest.removeLast();
        }
    }

    /** Dead letters per error code. */
    public synchronized Map<String, Long> byCode() {
        return Map.copyOf(byCode);
    }

    public synchronized long total() {
        return byCode.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The latest rejections, newest first. */
    public synchronized List<Rejection> latest() {
        return new ArrayList<>(latest);
    }
}
