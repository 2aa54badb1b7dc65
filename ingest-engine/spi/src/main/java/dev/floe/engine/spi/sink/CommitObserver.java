package dev.floe.engine.spi.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Told of every commit a sink makes to its tables, from the committer's thread. Feeds metrics and
 * the status API; it must return quickly and never throw.
 */
public interface CommitObserver {
    /** An observer that keeps nothing, for sinks opened outside a running pipeline. */
    CommitObserver NONE = new CommitObserver() {
        @Override
        public void committed(TableCommit commit) {}

        @Override
        public void failed(String table, long checkpointId, Duration duration, String reason) {}
    };

    /** A commit landed in its table. */
    void committed(TableCommit commit);

    /** A commit of {@code checkpointId} to {@code table} failed; it will be retried or fail the pipeline. */
    void failed(String table, long checkpointId, Duration duration, String reason);

    /**
     * How to read a table's freshness: {@code oldestUncommitted} answers when the oldest row the sink
     * took for the table and has not yet committed reached it, or empty when it holds none. Told
     * once per table and sink (a restarted pipeline's new sink tells it again); the answer is read
     * when metrics are scraped, from any thread.
     */
    default void freshness(String table, Supplier<Optional<Instant>> oldestUncommitted) {}

    /**
     * How to read the open data files of writer {@code subtask}: {@code open} answers how many it
     * holds now, {@code mostOpen} the most it held at once since it was created. Told once per
     * writer (a restarted pipeline's new writer tells it again); read when metrics are scraped, from
     * any thread, so the answers may lag the writer's thread slightly.
     */
    default void openFiles(int subtask, IntSupplier open, IntSupplier mostOpen) {}
}
