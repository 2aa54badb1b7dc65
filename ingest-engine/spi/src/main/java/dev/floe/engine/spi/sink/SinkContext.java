package dev.floe.engine.spi.sink;

/**
 * What the engine tells a sink when opening it.
 *
 * @param pipelineId the pipeline's declared id
 * @param parallelism how many writers the pipeline will create
 */
public record SinkContext(String pipelineId, int parallelism) {}
