package dev.floe.engine.spi.sink;

import java.util.Objects;

/**
 * What the engine tells a sink when opening it.
 *
 * @param pipelineId the pipeline's declared id
 * @param parallelism how many writers the pipeline will create
 * @param commits told of every commit to a table, for metrics and status
 */
public record SinkContext(String pipelineId, int parallelism, CommitObserver commits) {
    public SinkContext {
        Objects.requireNonNull(pipelineId, "pipelineId");
        Objects.requireNonNull(commits, "commits");
    }

    /** A context whose commits nobody observes. */
    public SinkContext(String pipelineId, int parallelism) {
        this(pipelineId, parallelism, CommitObserver.NONE);
    }
}
