package dev.floe.engine.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * How often a failed pipeline restarts: at most {@code maxAttempts} within any {@code window},
 * waiting {@code initialBackoff}, doubled each time up to {@code maxBackoff}, before each.
 *
 * @param maxAttempts restarts allowed within a window; 0 never restarts
 * @param window the sliding window the attempts are counted in
 * @param initialBackoff the wait before the first restart
 * @param maxBackoff the longest wait
 */
public record RestartStrategy(int maxAttempts, Duration window, Duration initialBackoff, Duration maxBackoff) {
    public static final RestartStrategy DEFAULT =
            new RestartStrategy(10, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofMinutes(1));

    public RestartStrategy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
        }
    }

    /** The restarts of one pipeline, against this strategy. Not thread-safe. */
    final class Attempts {
        private final Deque<Instant> recent = new ArrayDeque<>();
        private int consecutive;

        /** The wait before the next restart, or null when the strategy allows no more now. */
        Duration next(Instant now) {
            while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(window))) {
                recent.pollFirst();
            }
            if (recent.size() >= maxAttempts) {
                return null;
            }
            recent.addLast(now);
            Duration backoff = initialBackoff.multipliedBy(1L << Math.min(consecutive, 20));
            consecutive++;
            return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
        }

        /** A run that lasted a while resets the backoff, not the count in the window. */
        void succeeded() {
            consecutive = 0;
        }
    }

    Attempts attempts() {
        return new Attempts();
    }
}
