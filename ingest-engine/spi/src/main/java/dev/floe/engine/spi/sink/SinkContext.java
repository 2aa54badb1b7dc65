package dev.floe.engine.spi.sink;

import java.time.Clock;
import java.util.Objects;

/**
 * What the engine tells a sink when opening it.
 *
 * @param pipelineId the pipeline's declared id
 * @param parallelism how many writers the pipeline will create
 * @param commits told of every commit to a table, for metrics and status
 * @param clock the engine's clock, for anything the sink times (commit policies, freshness)
 */
public record SinkContext(String pipelineId, int parallelism, CommitObserver commits, Clock clock) {
    public SinkContext {
        Objects.requireNonNull(pipelineId, "pipelineId");
        Objects.requireNonNull(commits, "commits");
        Objects.requireNonNull(clock, "clock");
    }

    /** A context on the system clock. */
    public SinkContext(String pipelineId, int parallelism, CommitObserver commits) {
        this(pipelineId, parallelism, commits, Clock.systemUTC());
    }

    /** A context whose commits nobody observes. */
    public SinkContext(String pipelineId, int parallelism) {
        this(pipelineId, parallelism, CommitObserver.NONE);
    }
}
