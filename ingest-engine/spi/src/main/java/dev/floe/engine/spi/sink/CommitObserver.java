package dev.floe.engine.spi.sink;

import java.time.Duration;

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
}
