package dev.floe.iceberg;

import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.config.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * When a table's prepared checkpoints are committed: at every checkpoint, or once the data waiting
 * for the table reaches {@code minBytes} or its oldest row has waited {@code maxAge}, whichever comes
 * first. Checked at each checkpoint; until then the checkpoints wait as pending commits, stored in
 * every checkpoint like any other, so a crash loses and repeats nothing.
 *
 * @param minBytes commit once the table's uncommitted files hold this many bytes; 0 for no size bound
 * @param maxAge commit once the table's oldest uncommitted row reached the sink this long ago; null
 *     to commit at every checkpoint
 * @param parallelism how many of the pipeline's due tables are committed at once: each commit is a
 *     few round trips to the catalog and the object store, and a pipeline routing into hundreds of
 *     tables would otherwise commit them one after another
 */
public record CommitPolicy(long minBytes, Duration maxAge, int parallelism) {
    /** Tables committed at once unless configured. */
    public static final int DEFAULT_PARALLELISM = 4;

    public static final CommitPolicy EVERY_CHECKPOINT = new CommitPolicy(0, null, DEFAULT_PARALLELISM);

    public CommitPolicy {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        if (minBytes < 0) {
            throw new IllegalArgumentException("minBytes must not be negative: " + minBytes);
        }
        if (maxAge == null && minBytes > 0) {
            throw new IllegalArgumentException("a size bound needs maxAge too, or a quiet table never commits");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("maxAge must be positive: " + maxAge);
        }
    }

    /** Commits when data reaches {@code minBytes} or waited {@code maxAge}. */
    static CommitPolicy deferred(long minBytes, Duration maxAge) {
        return new CommitPolicy(minBytes, Objects.requireNonNull(maxAge, "maxAge"), DEFAULT_PARALLELISM);
    }

    /** This policy, committing {@code tables} tables at once. */
    CommitPolicy withParallelism(int tables) {
        return new CommitPolicy(minBytes, maxAge, tables);
    }

    boolean everyCheckpoint() {
        return maxAge == null;
    }

    /**
     * Whether a table whose pending checkpoints hold {@code pendingBytes}, the oldest of their rows
     * having waited {@code oldestWaited}, is committed now.
     */
    boolean isDue(long pendingBytes, Duration oldestWaited) {
        if (everyCheckpoint()) {
            return true;
        }
        return (minBytes > 0 && pendingBytes >= minBytes) || oldestWaited.compareTo(maxAge) >= 0;
    }

    @Override
    public String toString() {
        return everyCheckpoint()
                ? "every checkpoint"
                : (minBytes > 0 ? "at " + DataSize.ofBytes(minBytes) + " or " : "") + "after "
                        + Durations.format(maxAge);
    }
}
