package dev.floe.engine;

import dev.floe.engine.checkpoint.Listeners;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every pipeline of a config in this process: the composition root. Pipelines are isolated;
 * one failing does not stop the others.
 */
public final class FloeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FloeRuntime.class);

    private final CachingSchemaRegistry registry;
    private final List<Pipeline> pipelines = new ArrayList<>();

    private FloeRuntime(FloeConfig config, Clock clock, Listeners listeners) {
        this.registry = new CachingSchemaRegistry(new HttpSchemaRegistryClient(config.registry()));
        for (PipelineConfig pipeline : config.pipelines()) {
            pipelines.add(new Pipeline(pipeline, config, registry, clock, listeners));
        }
    }

    /** Starts every pipeline of {@code config}; a pipeline that cannot start fails alone. */
    public static FloeRuntime start(FloeConfig config, Clock clock) {
        FloeRuntime runtime = new FloeRuntime(config, clock, Listeners.installed());
        for (Pipeline pipeline : runtime.pipelines) {
            try {
                pipeline.start();
            } catch (RuntimeException e) {
                LOG.error("Pipeline {} could not start: {}", pipeline.id(), e.getMessage());
            }
        }
        return runtime;
    }

    public List<Pipeline> pipelines() {
        return List.copyOf(pipelines);
    }

    /** Completes when every pipeline has stopped or failed. */
    public CompletableFuture<Void> terminated() {
        return CompletableFuture.allOf(
                pipelines.stream().map(Pipeline::terminated).toArray(CompletableFuture[]::new));
    }

    /** Stops every running pipeline after a final checkpoint; true when all committed it. */
    public boolean stop(Duration timeout) {
        boolean committed = true;
        for (Pipeline pipeline : pipelines) {
            if (pipeline.state() == Pipeline.State.RUNNING) {
                committed &= pipeline.stop(timeout);
            }
        }
        return committed;
    }

    @Override
    public void close() {
        for (Pipeline pipeline : pipelines) {
            pipeline.close();
        }
        registry.close();
    }
}
