package dev.floe.engine.spi.dataflow;

/** What an operator learns about where it runs. */
public interface OperatorContext {
    String pipelineId();

    int subtask();

    int parallelism();
}
